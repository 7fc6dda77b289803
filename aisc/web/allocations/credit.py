"""The credit lifecycle of award allocations: staged actions on the released GPU-hours.

At the warning threshold (AISC_CREDIT_WARN_PERCENT, 80) the grantee is told by mail; at the stop
threshold (AISC_CREDIT_STOP_PERCENT, 100) the allocation is exhausted, which the Slurm sync turns
into no new jobs for the project's account (GrpJobs and GrpSubmitJobs 0, next to its
GrpTRESMins budget), and told; after the award's end the allocation expires, its unused released
hours expire with it (a negative budget line per chip), and billing writes their subsidy off the
award's commitment (`events.credit_expired`). More hours (a tranche, a top-up) reopen a budget
that was warned or stopped. Every step is a CreditEvent and an audit row by the system actor.

The steps come from aisc.core.allocations.credit over the one table; the worker runs them
(`allocations.credit`), and so does every usage ingest for the projects it read. Running them
again writes nothing: the stage already reached asks for no step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aisc.core.allocations import credit, lifecycle
from aisc.core.allocations.budget import BudgetLine, released_by_chip
from aisc.core.allocations.lifecycle import Status
from aisc.core.units import CENT
from aisc.web import notify, worker_tasks
from aisc.web.accounts.models import User
from aisc.web.allocations import events, verbs
from aisc.web.allocations.actions import SYNC, add_lines, facts, locked
from aisc.web.allocations.models import Allocation, CreditEvent
from aisc.web.allocations.usage import used_gpu_hours
from aisc.web.audit.record import record
from aisc.web.outbox import dispatch

TASK = "allocations.credit"
# The allocation's status each step asks for, from the statuses it may leave.
STATUS_STEPS = {"stop": "exhaust", "reopen": "top_up", "expire": "expire"}
SUBJECTS = {
    "warn": _("%(project)s has used %(percent)s%% of its released GPU-hours"),
    "stop": _("%(project)s has used its released GPU-hours: new jobs are stopped"),
    "expire": _("The unused GPU-hours of %(project)s have expired"),
}


def thresholds() -> credit.Thresholds:
    return credit.Thresholds(settings.AISC_CREDIT_WARN_PERCENT, settings.AISC_CREDIT_STOP_PERCENT)


def figures(allocation: Allocation) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Released and used GPU-hours per chip."""
    released = released_by_chip(allocation.budget_lines())
    return released, used_gpu_hours(allocation.project_code)


def follows(allocation: Allocation) -> bool:
    """Awards' allocations that run or ran: a tenant's hours are bought, not granted, and a
    closed (cancelled) allocation's money is settled by a recovery."""
    return allocation.award_id is not None and allocation.status not in (
        Status.PENDING.value,
        Status.CLOSED.value,
    )


@transaction.atomic
def do_credit_step(allocation: Allocation, today: dt.date) -> list[str]:
    """The steps the allocation's figures call for today, each recorded and audited once."""
    allocation = locked(allocation)
    if not follows(allocation):
        return []
    released, used = figures(allocation)
    total_released, total_used = sum(released.values(), Decimal(0)), sum(used.values(), Decimal(0))
    steps = credit.due_events(
        allocation.credit_stage,
        total_used,
        total_released,
        ended=today > allocation.end_date,
        thresholds=thresholds(),
    )
    for step in steps:
        _take(allocation, step, released, used)
    return steps


def _take(
    allocation: Allocation, step: str, released: dict[str, Decimal], used: dict[str, Decimal]
) -> None:
    before = facts(allocation) | {"credit_stage": allocation.credit_stage}
    allocation.credit_stage = lifecycle.credit_transition(allocation.credit_stage, step).value
    status_step = STATUS_STEPS.get(step)
    if status_step is not None and status_step in lifecycle.TRANSITIONS[Status(allocation.status)]:
        allocation.status = lifecycle.transition(allocation.status, status_step).value
    allocation.save(update_fields=["credit_stage", "status"])
    expired = _expire(allocation, released, used) if step == "expire" else {}
    total_released = sum(released.values(), Decimal(0))
    total_used = sum(used.values(), Decimal(0)).quantize(CENT)
    event = CreditEvent.objects.create(
        allocation=allocation, kind=step, released=total_released, used=total_used,
        expired=sum(expired.values(), Decimal(0)),
    )  # fmt: skip
    after = facts(allocation) | {"credit_stage": allocation.credit_stage, "expired": expired}
    record(None, verbs.credit(step), allocation, before=before, after=after)
    dispatch.enqueue(SYNC, {"project_code": allocation.project_code})
    if step in SUBJECTS:
        mail(allocation, event)


def _expire(
    allocation: Allocation, released: dict[str, Decimal], used: dict[str, Decimal]
) -> dict[str, Decimal]:
    """The unused released hours leave the budget, and billing writes their subsidy off."""
    expired = {
        chip: left
        for chip, hours in sorted(released.items())
        if (left := credit.unused(hours, used.get(chip, Decimal(0)))) > 0
    }
    write_off(allocation, expired, f"expiry:{allocation.project_code}", "expired")
    return expired


def write_off(allocation: Allocation, expired: dict[str, Decimal], key: str, source: str) -> None:
    """Expired hours (chip -> hours above zero) leave the budget as negative lines named
    `source`, and billing writes their subsidy off the award's commitment under `key`; the
    one path of the award's end and of a tranche release's carry-over."""
    add_lines(allocation, [BudgetLine(c, -h, True, source) for c, h in expired.items()])
    if expired:
        events.credit_expired.publish(
            events.CreditExpired(allocation, expired, key, timezone.now())
        )


def recipients(allocation: Allocation) -> list[User]:
    """The grantee organisation's members."""
    members = User.objects.filter(
        is_active=True, memberships__organisation_id=allocation.organisation_id
    )
    return list(members.distinct().order_by("pk"))


def mail(allocation: Allocation, event: CreditEvent) -> None:
    """Queued in the step's transaction, in each member's language."""
    percent = int(event.used * 100 / event.released) if event.released > 0 else thresholds().stop
    context: dict[str, Any] = {
        "project": allocation.project_code,
        "step": event.kind,
        "percent": percent,
        "used": str(event.used),
        "released": str(event.released),
        "expired": str(event.expired),
        "end_date": allocation.end_date,
    }
    for user in recipients(allocation):
        subject = SUBJECTS[event.kind]
        notify.send(user, subject, "allocations/mail/credit.txt", context, params=context)


def do_credit_steps(today: dt.date, codes: Iterable[str] | None = None) -> list[str]:
    """Every award allocation still followed (or those of `codes`); "project: step" lines."""
    allocations = Allocation.objects.filter(award__isnull=False).exclude(
        credit_stage=lifecycle.CreditStage.EXPIRED.value
    )
    if codes is not None:
        allocations = allocations.filter(project_code__in=list(codes))
    done = []
    for allocation in allocations.order_by("project_code"):
        done += [f"{allocation.project_code}: {s}" for s in do_credit_step(allocation, today)]
    return done


def periodic() -> str:
    return f"{len(do_credit_steps(timezone.localdate()))} credit steps"


worker_tasks.register(TASK, settings.AISC_SLURM_RECONCILE_MINUTES * 60, periodic)
