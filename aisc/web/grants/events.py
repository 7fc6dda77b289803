"""Events of the grants app (see aisc.web.events); both are published inside the deciding
transaction, so a handler that fails rolls the decision back with it.

- award_approved: a committee approved an award (in full or in part). Allocations creates the
  award's allocation; billing moves the award's commitment onto the ledger.
- tranche_released: a tranche of GPU-hours became usable, at approval for the first one and on
  an accepted progress report for each next one, never before the award's start date (a release
  asked earlier waits for that day). Allocations raises the Slurm budget.
- award_cancelled: an award was cancelled (by the secretariat, or with its application's
  withdrawal). Allocations closes the award's allocation; billing reverses the award's commitment
  on the ledger, so the call's uncommitted money rises by it.
"""

from __future__ import annotations

from dataclasses import dataclass

from aisc.web.accounts.models import User
from aisc.web.events import Event
from aisc.web.grants.models import Award, AwardTranche


@dataclass(frozen=True)
class AwardApproved:
    award: Award
    acting_user: User | None  # None: a starter grant, which the system decides


@dataclass(frozen=True)
class TrancheReleased:
    tranche: AwardTranche
    acting_user: User | None  # None: released by the worker on the award's start date


@dataclass(frozen=True)
class AwardCancelled:
    award: Award
    acting_user: User | None


award_approved: Event[AwardApproved] = Event(
    "grants.award.approved", required=("allocations", "billing")
)
tranche_released: Event[TrancheReleased] = Event(
    "grants.tranche.released", required=("allocations",)
)
award_cancelled: Event[AwardCancelled] = Event(
    "grants.award.cancelled", required=("allocations", "billing")
)
