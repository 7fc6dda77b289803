"""Allocations -> desired Slurm state -> plan -> apply, and each allocation's sync state.

Runs from `aisc slurm plan|apply|check`, from the outbox (after every change to an allocation),
and from `aisc worker` every AISC_SLURM_RECONCILE_MINUTES (default 10).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from aisc.adapters.slurm import reconcile
from aisc.adapters.slurm.protocol import SlurmAdapter
from aisc.adapters.slurm.reconcile import Outcome
from aisc.core.allocations.budget import released_by_chip
from aisc.core.allocations.provisioning import AllocationSpec, Plan, desired_state
from aisc.core.allocations.slurmstate import Account, Change, Reservation, UserAssoc
from aisc.web import worker_tasks
from aisc.web.accounts.time_zone import centre_today
from aisc.web.allocations import cluster, verbs
from aisc.web.allocations.models import Allocation, SyncStatus
from aisc.web.audit.record import record
from aisc.web.outbox import dispatch

if TYPE_CHECKING:
    from aisc.web.accounts.models import User


@dataclass
class SlurmPlan:
    plan: Plan
    changes: list[Change]


def _moment(day: dt.date) -> dt.datetime:
    """Allocation dates are days in the centre's time zone; Slurm gets the instant they begin."""
    return dt.datetime.combine(day, dt.time(), tzinfo=timezone.get_default_timezone())


def specs() -> list[AllocationSpec]:
    allocations = Allocation.objects.select_related("organisation").prefetch_related(
        "lines", "members"
    )
    return [
        AllocationSpec(
            project_code=a.project_code,
            parent=a.parent_account,
            organisation=a.organisation.registration_code,
            status=a.status,
            subsidised=a.subsidised,
            released=released_by_chip(a.budget_lines()),
            start=_moment(a.start_date).astimezone(dt.UTC),
            end=_moment(a.end_date + dt.timedelta(days=1)).astimezone(dt.UTC),
            members=tuple(m.username for m in a.members.all()),
            dedicated_nodes=tuple(a.dedicated_nodes),
        )
        for a in allocations
    ]


def make_plan(adapter: SlurmAdapter) -> SlurmPlan:
    plan = desired_state(specs(), adapter.gpu_types())
    return SlurmPlan(plan, reconcile.plan(adapter, plan.desired, now=timezone.now()))


def project_of(change: Change) -> str:
    item = change.after if change.after is not None else change.before
    if isinstance(item, Account):
        return item.name
    if isinstance(item, UserAssoc):
        return item.account
    if isinstance(item, Reservation):
        return ",".join(item.accounts)
    return ""


def record_sync_state(pending: SlurmPlan, outcome: Outcome | None = None) -> None:
    """Mark every allocation in sync, drifted (changes remain) or in error (refused, blocked,
    or not enforceable), with the reason."""
    reasons: dict[str, list[str]] = {}
    errors: set[str] = set()
    for change in pending.changes:
        reasons.setdefault(project_of(change), []).append(change.describe())
    for change, why in (outcome.blocked + outcome.failed) if outcome else []:
        reasons.setdefault(project_of(change), []).append(f"{change.describe()}: {why}")
        errors.add(project_of(change))
    for problem in pending.plan.problems:
        project = problem.split(":", 1)[0]
        reasons.setdefault(project, []).append(problem)
        errors.add(project)
    now = timezone.now()
    for allocation in Allocation.objects.all():
        found = reasons.get(allocation.project_code, [])
        status = SyncStatus.IN_SYNC
        if allocation.project_code in errors:
            status = SyncStatus.ERROR
        elif found:
            status = SyncStatus.DRIFT
        allocation.sync_status, allocation.synced_at = status, now
        allocation.sync_message = "\n".join(found)[:4000]
        allocation.save(update_fields=["sync_status", "synced_at", "sync_message"])


def apply(*, force: bool = False, acting_user: User | None = None) -> tuple[Outcome, SlurmPlan]:
    """Apply the plan; returns what happened and what remains afterwards."""
    adapter = cluster.adapter()
    outcome = reconcile.apply(adapter, make_plan(adapter).changes, force=force)
    remaining = make_plan(adapter)
    with transaction.atomic():
        record_sync_state(remaining, outcome)
        record(
            acting_user, verbs.SLURM_APPLY, None, object_type="Slurm", object_id="cluster",
            after=_outcome_facts(outcome, remaining, force),
        )  # fmt: skip
    return outcome, remaining


def _outcome_facts(outcome: Outcome, remaining: SlurmPlan, force: bool) -> dict[str, Any]:
    return {
        "force": force,
        "applied": [c.describe() for c in outcome.applied],
        "blocked": [f"{c.describe()}: {why}" for c, why in outcome.blocked],
        "failed": [f"{c.describe()}: {why}" for c, why in outcome.failed],
        "remaining": len(remaining.changes),
    }


@dispatch.handler("slurm.sync")
def _sync_after_change(payload: dict[str, Any]) -> None:
    """An allocation changed: bring Slurm in line. Slurm being down raises, and the outbox
    retries with backoff; the change is delayed, never lost."""
    apply()


def periodic_reconcile() -> str:
    from aisc.web.allocations.actions import do_advance_by_date

    moved = do_advance_by_date(centre_today())
    outcome, remaining = apply()
    return (
        f"{len(moved)} lifecycle steps, {len(outcome.applied)} Slurm changes applied, "
        f"{len(remaining.changes)} remaining"
    )


# aisc.config reads and checks AISC_SLURM_RECONCILE_MINUTES with the other settings.
worker_tasks.register(
    "slurm.reconcile", settings.AISC_SLURM_RECONCILE_MINUTES * 60, periodic_reconcile
)
