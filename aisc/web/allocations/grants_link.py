"""From an award (grants app) to its allocation: the award's chip, GPU-hours, dates, tranches,
call (the parent Slurm account) and applicant (the first member). The handlers at the bottom
subscribe to grants' events (aisc.web.grants.events) in AllocationsConfig.ready()."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction

from aisc.core.allocations.lifecycle import Status
from aisc.web.accounts.time_zone import centre_today
from aisc.web.allocations.actions import (
    NewAllocation,
    do_advance_one,
    do_create_allocation,
    do_release_tranche,
    do_transition,
)
from aisc.web.allocations.carry_over import do_carry_over
from aisc.web.allocations.models import Allocation
from aisc.web.grants.events import AwardApproved, AwardCancelled, TrancheReleased


def unix_name(email: str) -> str:
    """A first guess at a member's cluster user name; operators correct it on the page."""
    name = re.sub(r"[^a-z0-9_-]+", "-", email.split("@")[0].lower()).strip("-_")
    return (name or "user")[:32]


@transaction.atomic
def do_create_allocation_from_award(award: Any, *, acting_user: Any) -> Allocation:
    existing = Allocation.objects.filter(project_code=award.project_code).first()
    if existing is not None:
        return existing
    application = award.application
    tranches = [
        (t.seq, t.gpu_hours, t.released_at is not None) for t in award.tranches.order_by("seq")
    ]
    new = NewAllocation(
        project_code=award.project_code,
        award=award,
        organisation=award.organisation,
        parent_account=application.call.code,
        subsidised=True,
        chip=award.chip,
        start_date=award.start_date,
        end_date=award.end_date,
        tranches=tranches or [(1, award.gpu_hours, False)],
        award_window=(award.start_date, award.end_date),
        members=[unix_name(application.created_by.email)],
    )
    allocation = do_create_allocation(new, acting_user=acting_user)
    # Hours released and the start date reached: the allocation is active from today.
    do_advance_one(allocation, centre_today(), acting_user=acting_user)
    return allocation


def release_tranche(tranche: Any, *, acting_user: Any) -> None:
    allocation = Allocation.objects.filter(project_code=tranche.award.project_code).first()
    if allocation is None:
        allocation = do_create_allocation_from_award(tranche.award, acting_user=acting_user)
    # The hours released before this tranche and unused go on, or part of them expire, first.
    do_carry_over(allocation, tranche.seq, acting_user=acting_user)
    do_release_tranche(allocation, tranche.seq, tranche.gpu_hours, acting_user=acting_user)


def on_award_approved(event: AwardApproved) -> None:
    do_create_allocation_from_award(event.award, acting_user=event.acting_user)


def on_tranche_released(event: TrancheReleased) -> None:
    release_tranche(event.tranche, acting_user=event.acting_user)


def on_award_cancelled(event: AwardCancelled) -> None:
    """A cancelled award's allocation closes: its Slurm account takes no more jobs."""
    allocation = Allocation.objects.filter(project_code=event.award.project_code).first()
    if allocation is not None and allocation.status != Status.CLOSED.value:
        do_transition(allocation, "close", acting_user=event.acting_user)
