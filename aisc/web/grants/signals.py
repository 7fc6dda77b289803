"""Signals other domains listen to; both are sent inside the deciding transaction, so a listener
that fails rolls the decision back with it (the allocation and the award never disagree).

award_approved(award, acting_user): a committee approved an award (in full or in part).
tranche_released(tranche, acting_user): a tranche of GPU-hours became usable, at approval for the
first one and on an accepted progress report for each next one.
"""

from django.dispatch import Signal

award_approved = Signal()
tranche_released = Signal()
