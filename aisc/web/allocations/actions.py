"""Mutations of allocations, each audited, each enqueuing a Slurm sync through the outbox."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from aisc.core.allocations import budget, lifecycle
from aisc.core.allocations.capacity import Commitment
from aisc.core.allocations.lifecycle import Status
from aisc.core.catalogue.exchange import ThroughputRate, default_rates
from aisc.core.errors import RuleViolation
from aisc.web.accounts.time_zone import centre_today
from aisc.web.allocations import cluster, guard, verbs
from aisc.web.allocations.models import (
    Allocation,
    AllocationLine,
    AllocationMember,
    ChangeRequest,
    RequestKind,
)
from aisc.web.allocations.usage import used_gpu_hours
from aisc.web.audit.record import record
from aisc.web.outbox import dispatch

if TYPE_CHECKING:
    from aisc.web.accounts.models import Organisation, User

SYNC = "slurm.sync"
# The note of an exchange the system approved under the scheme's limit (translated on the page).
AUTO_APPROVED = gettext_noop("approved automatically: within the scheme's limit for exchanges")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


@dataclass(frozen=True)
class NewAllocation:
    project_code: str
    organisation: Organisation
    parent_account: str
    subsidised: bool
    chip: str
    start_date: dt.date
    end_date: dt.date
    tranches: list[tuple[int, Decimal, bool]]  # (seq, GPU-hours, released)
    award_window: tuple[dt.date, dt.date] | None = None
    award: Any = None  # grants.Award, None for a commercial tenant
    members: list[str] = field(default_factory=list)
    dedicated_nodes: list[str] = field(default_factory=list)


def facts(allocation: Allocation) -> dict[str, Any]:
    return {
        "project_code": allocation.project_code,
        "status": allocation.status,
        "start_date": allocation.start_date,
        "end_date": allocation.end_date,
        "dedicated_nodes": allocation.dedicated_nodes,
        "released": budget.released_by_chip(allocation.budget_lines()),
        "members": sorted(allocation.members.values_list("username", flat=True)),
    }


def slurm_name(value: str, field_name: str) -> str:
    if not _NAME.match(value):
        raise RuleViolation(
            f"{value!r} is not a valid Slurm name: lower-case letters, digits, '-' and '_', "
            "starting with a letter or digit, at most 40",
            field=field_name,
        )
    return value


def check_dedicated_nodes(nodes: list[str], start: dt.date, end: dt.date, project: str) -> None:
    known = cluster.node_names()
    for node in nodes:
        if known is not None and node not in known:
            raise RuleViolation(f"the cluster has no node {node!r}", field="dedicated_nodes")
    overlapping = Allocation.objects.filter(
        status__in=[s.value for s in lifecycle.COMMITTED],
        start_date__lte=end,
        end_date__gte=start,
    ).exclude(project_code=project)
    for other in overlapping:
        taken = set(other.dedicated_nodes) & set(nodes)
        if taken:
            raise RuleViolation(
                f"{', '.join(sorted(taken))} already dedicated to {other.project_code} "
                f"from {other.start_date} to {other.end_date}",
                field="dedicated_nodes",
            )


@transaction.atomic
def do_create_allocation(new: NewAllocation, *, acting_user: User | None) -> Allocation:
    """Validate everything first (chip, names, dates, capacity, nodes), then save; nothing is
    saved when any check fails."""
    budget.check_chip(new.chip)
    slurm_name(new.project_code, "project_code")
    slurm_name(new.parent_account, "parent_account")
    for username in new.members:
        slurm_name(username, "members")
    window = new.award_window or (None, None)
    budget.check_window(new.start_date, new.end_date, *window)
    if Allocation.objects.filter(project_code=new.project_code).exists():
        raise RuleViolation(
            f"an allocation {new.project_code} already exists", field="project_code"
        )
    lines = budget.tranche_lines(new.chip, new.tranches)
    total = sum((line.gpu_hours for line in lines), Decimal(0))
    guard.check([Commitment(new.project_code, new.chip, total, new.start_date, new.end_date)])
    check_dedicated_nodes(new.dedicated_nodes, new.start_date, new.end_date, new.project_code)
    allocation = Allocation.objects.create(
        project_code=new.project_code,
        award=new.award,
        organisation=new.organisation,
        parent_account=new.parent_account,
        subsidised=new.subsidised,
        start_date=new.start_date,
        end_date=new.end_date,
        dedicated_nodes=sorted(new.dedicated_nodes),
        status=Status.PENDING.value,
    )
    for (seq, _hours, _released), line in zip(new.tranches, lines, strict=True):
        AllocationLine.objects.create(
            allocation=allocation, chip=line.chip, gpu_hours=line.gpu_hours,
            released=line.released, source=line.source, tranche_seq=seq,
        )  # fmt: skip
    for username in sorted(set(new.members)):
        AllocationMember.objects.create(allocation=allocation, username=username)
    record(acting_user, verbs.ALLOCATION_CREATE, allocation, after=facts(allocation))
    dispatch.enqueue(SYNC, {"project_code": allocation.project_code})
    return allocation


def locked(allocation: Allocation) -> Allocation:
    """The row as stored now, locked until the transaction ends: decisions never act on a
    stale copy of the status or dates."""
    return Allocation.objects.select_for_update().get(pk=allocation.pk)


@transaction.atomic
def do_transition(allocation: Allocation, event: str, *, acting_user: User | None) -> Allocation:
    allocation = locked(allocation)
    before = facts(allocation)
    allocation.status = lifecycle.transition(allocation.status, event).value
    allocation.save(update_fields=["status"])
    record(acting_user, verbs.lifecycle(event), allocation, before=before, after=facts(allocation))
    dispatch.enqueue(SYNC, {"project_code": allocation.project_code})
    return allocation


@transaction.atomic
def do_release_tranche(
    allocation: Allocation, seq: int, gpu_hours: Decimal, *, acting_user: User | None
) -> AllocationLine:
    """Make a tranche spendable; its GPU-hours reach Slurm's budget at the next sync."""
    allocation = locked(allocation)
    before = facts(allocation)
    line = allocation.lines.filter(tranche_seq=seq).first()
    if line is None:
        raise RuleViolation(f"{allocation} has no tranche {seq}", field="seq")
    line.released, line.gpu_hours = True, gpu_hours
    line.save(update_fields=["released", "gpu_hours"])
    record(
        acting_user, verbs.ALLOCATION_RELEASE, allocation, before=before, after=facts(allocation)
    )
    dispatch.enqueue(SYNC, {"project_code": allocation.project_code})
    do_advance_one(allocation, centre_today(), acting_user=acting_user)
    return line


@transaction.atomic
def do_set_members(
    allocation: Allocation, usernames: list[str], *, acting_user: User | None
) -> Allocation:
    for username in usernames:
        slurm_name(username, "members")
    before = facts(allocation)
    allocation.members.exclude(username__in=usernames).delete()
    for username in sorted(set(usernames)):
        AllocationMember.objects.get_or_create(allocation=allocation, username=username)
    record(
        acting_user, verbs.ALLOCATION_MEMBERS, allocation, before=before, after=facts(allocation)
    )
    dispatch.enqueue(SYNC, {"project_code": allocation.project_code})
    return allocation


@transaction.atomic
def do_advance_by_date(today: dt.date, *, acting_user: User | None = None) -> list[str]:
    """Start allocations whose start date came with released hours; expire those past their
    end date (no new jobs; running jobs finish). Returns "project: event" lines."""
    done = []
    for allocation in Allocation.objects.exclude(status=Status.CLOSED.value):
        event = do_advance_one(allocation, today, acting_user=acting_user)
        if event is not None:
            done.append(f"{allocation.project_code}: {event}")
    return done


def do_advance_one(
    allocation: Allocation, today: dt.date, *, acting_user: User | None
) -> str | None:
    event = lifecycle.due_event(
        allocation.status,
        allocation.start_date,
        allocation.end_date,
        today,
        has_released=allocation.lines.filter(released=True).exists(),
    )
    if event is not None:
        do_transition(allocation, event, acting_user=acting_user)
    return event


@dataclass(frozen=True)
class ChangeInput:
    kind: str  # RequestKind
    reason: str
    chip: str = ""
    to_chip: str = ""
    gpu_hours: Decimal | None = None
    new_end_date: dt.date | None = None


def _check_not_closed(allocation: Allocation) -> None:
    """A closed allocation is final (its Slurm account is gone): nothing changes it any more."""
    if allocation.status == Status.CLOSED.value:
        raise RuleViolation(
            f"{allocation.project_code} is closed and takes no more changes", field="status"
        )


def _check_change(allocation: Allocation, change: ChangeInput) -> None:
    """Refuse a request that could never be approved, naming the field."""
    if change.kind not in RequestKind.values:
        # Checked first: the chip and hours a kind needs depend on the kind.
        raise RuleViolation(f"unknown kind of change {change.kind!r}", field="kind")
    _check_not_closed(allocation)
    if not change.reason.strip():
        raise RuleViolation("say why the change is needed", field="reason")
    if change.kind == RequestKind.EXTENSION:
        if change.new_end_date is None or change.new_end_date <= allocation.end_date:
            raise RuleViolation(
                f"the new end date must be after the current one ({allocation.end_date})",
                field="new_end_date",
            )
        return
    budget.check_chip(change.chip)
    budget.check_positive(change.gpu_hours or Decimal(0))
    if change.kind == RequestKind.EXCHANGE:
        # The same checks the approval makes (chips, hours left, a rate for each chip), so a
        # request that could never be carried out is refused now, naming the field.
        _exchange_lines(allocation, change.chip, change.to_chip, change.gpu_hours, source="")


def _exchange_lines(
    allocation: Allocation, from_chip: str, to_chip: str, gpu_hours: Decimal | None, source: str
) -> list[budget.BudgetLine]:
    assert gpu_hours is not None
    return list(
        budget.exchange(
            allocation.budget_lines(), used_gpu_hours(allocation.project_code),
            from_chip=from_chip, to_chip=to_chip, gpu_hours=gpu_hours,
            on=centre_today(), rates=exchange_rates(), source=source,
        )
    )  # fmt: skip


def exchange_auto_limit(allocation: Allocation) -> Decimal | None:
    """The scheme's limit under which an exchange is approved without anyone; a commercial
    tenant's exchanges always go to the operators."""
    if allocation.award is None:
        return None
    limit: Decimal | None = allocation.award.application.call.scheme.exchange_auto_gpu_hours
    return limit


@transaction.atomic
def do_request_change(
    allocation: Allocation, change: ChangeInput, *, acting_user: User
) -> ChangeRequest:
    _check_change(allocation, change)
    request = ChangeRequest.objects.create(
        allocation=allocation, kind=change.kind, chip=change.chip, to_chip=change.to_chip,
        gpu_hours=change.gpu_hours, new_end_date=change.new_end_date, reason=change.reason,
        requested_by=acting_user,
    )  # fmt: skip
    record(acting_user, verbs.CHANGE_REQUEST, request, after=_request_facts(request))
    if change.kind == RequestKind.EXCHANGE and lifecycle.approves_automatically(
        request.gpu_hours or Decimal(0), exchange_auto_limit(allocation)
    ):
        do_decide_change(request, approve=True, note=AUTO_APPROVED, acting_user=None)
    return request


def _request_facts(request: ChangeRequest) -> dict[str, Any]:
    return {
        "allocation": request.allocation.project_code,
        "kind": request.kind,
        "chip": request.chip,
        "to_chip": request.to_chip,
        "gpu_hours": request.gpu_hours,
        "new_end_date": request.new_end_date,
        "status": request.status,
    }


@transaction.atomic
def do_decide_change(
    request: ChangeRequest, *, approve: bool, note: str, acting_user: User | None
) -> ChangeRequest:
    """An operator (the secretariat for an award's chip exchange, the system for one under the
    scheme's limit) approves (the change takes effect, within capacity) or rejects it."""
    request.allocation = locked(request.allocation)
    before = _request_facts(request)
    status = lifecycle.decide(request.status, "approve" if approve else "reject").value
    if approve:
        _check_not_closed(request.allocation)
    request.status = status
    if approve:
        _carry_out(request)
    request.decided_by, request.decided_at = acting_user, timezone.now()
    request.decision_note = note
    request.save()
    record(
        acting_user, verbs.CHANGE_DECIDE, request, before=before,
        after=_request_facts(request),
    )  # fmt: skip
    dispatch.enqueue(SYNC, {"project_code": request.allocation.project_code})
    return request


def _carry_out(request: ChangeRequest) -> None:
    allocation = request.allocation
    source = f"{request.get_kind_display()} #{request.pk}"
    if request.kind == RequestKind.EXTENSION:
        assert request.new_end_date is not None
        allocation.end_date = request.new_end_date
        if allocation.status == Status.EXPIRED.value:
            allocation.status = lifecycle.transition(allocation.status, "extend").value
        lines = allocation.budget_lines()
    elif request.kind == RequestKind.TOP_UP:
        assert request.gpu_hours is not None
        new_lines = [budget.top_up(request.chip, request.gpu_hours, source)]
        lines = [*allocation.budget_lines(), *new_lines]
        if allocation.status == Status.EXHAUSTED.value:
            allocation.status = lifecycle.transition(allocation.status, "top_up").value
    else:
        new_lines = _exchange_lines(
            allocation, request.chip, request.to_chip, request.gpu_hours, source
        )
        lines = [*allocation.budget_lines(), *new_lines]
    commitments = [
        Commitment(allocation.project_code, chip, hours, allocation.start_date, allocation.end_date)
        for chip, hours in budget.granted_by_chip(lines).items()
        if hours > 0
    ]
    guard.check(commitments, exclude=allocation)
    allocation.save()
    if request.kind != RequestKind.EXTENSION:
        add_lines(allocation, new_lines)


def add_lines(allocation: Allocation, lines: Iterable[budget.BudgetLine]) -> None:
    for line in lines:
        AllocationLine.objects.create(
            allocation=allocation, chip=line.chip, gpu_hours=line.gpu_hours,
            released=line.released, source=line.source,
        )  # fmt: skip


def exchange_rates() -> list[ThroughputRate]:
    from aisc.web.catalogue.models import ExchangeRate

    rates = [r.as_core() for r in ExchangeRate.objects.all()]
    return rates or default_rates(dt.date(2000, 1, 1))
