"""The carry-over at a tranche's release: of the GPU-hours released before it and not used, the
scheme's `carry_over_percent` goes on into the next tranche and the rest is written off at once,
through the award's end's one path (credit.write_off: negative budget lines, and billing moves
their subsidy from the award's commitment to its `expired:` account under the key
`expiry:<project>:tranche-<seq>`, which the annual report counts in `subsidy_expired`).

A scheme at 100 % (the default) carries everything and nothing is written; otherwise each
release is one CreditEvent `carry_over` (the percent, the hours carried and written off) and one
audit row by whoever released, taken once however often the release is repeated.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from aisc.core.allocations import credit as rules
from aisc.core.allocations.budget import released_by_chip
from aisc.core.allocations.lifecycle import CreditStage
from aisc.core.units import CENT
from aisc.web.accounts.models import User
from aisc.web.allocations import verbs
from aisc.web.allocations.actions import SYNC, facts, locked
from aisc.web.allocations.credit import follows, write_off
from aisc.web.allocations.models import Allocation, CreditEvent, CreditKind
from aisc.web.allocations.usage import used_gpu_hours
from aisc.web.audit.record import record
from aisc.web.outbox import dispatch


def percent_of(allocation: Allocation) -> Decimal:
    """The carry-over the award's scheme sets."""
    award = allocation.award
    assert award is not None  # follows() let only awards' allocations through
    return Decimal(award.application.call.scheme.carry_over_percent)


def due(allocation: Allocation, seq: int) -> bool:
    """A release still to come, of an award's allocation still running, under a scheme that
    carries less than everything."""
    line = allocation.lines.filter(tranche_seq=seq).first()
    return (
        line is not None
        and not line.released
        and follows(allocation)
        and allocation.credit_stage != CreditStage.EXPIRED.value
        and percent_of(allocation) < rules.FULL_CARRY_OVER
        and not allocation.credit.filter(kind=CreditKind.CARRY_OVER, tranche_seq=seq).exists()
    )


@transaction.atomic
def do_carry_over(
    allocation: Allocation, seq: int, *, acting_user: User | None
) -> CreditEvent | None:
    """Before tranche `seq` is released: carry the scheme's share of the hours released so far
    and unused, write the rest off. None when there is nothing to do (see `due`)."""
    allocation = locked(allocation)
    if not due(allocation, seq):
        return None
    released = released_by_chip(allocation.budget_lines())
    if sum(released.values(), Decimal(0)) <= 0:
        return None  # the first release: nothing came before it
    used = used_gpu_hours(allocation.project_code)
    percent = percent_of(allocation)
    before = facts(allocation)
    split = rules.carry_over_at_release(released, used, percent)
    expired = {chip: lost for chip, (_kept, lost) in split.items() if lost > 0}
    carried = {chip: kept for chip, (kept, _lost) in split.items()}
    key = f"expiry:{allocation.project_code}:tranche-{seq}"
    write_off(allocation, expired, key, f"not carried into tranche {seq}")
    event = CreditEvent.objects.create(
        allocation=allocation,
        kind=CreditKind.CARRY_OVER,
        released=sum(released.values(), Decimal(0)),
        used=sum(used.values(), Decimal(0)).quantize(CENT),
        expired=sum(expired.values(), Decimal(0)),
        carried=sum(carried.values(), Decimal(0)),
        percent=percent,
        tranche_seq=seq,
    )
    after = facts(allocation) | {
        "tranche": seq,
        "percent": percent,
        "carried": carried,
        "expired": expired,
    }
    record(acting_user, verbs.credit("carry_over"), allocation, before=before, after=after)
    dispatch.enqueue(SYNC, {"project_code": allocation.project_code})
    return event
