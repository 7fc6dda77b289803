"""API of allocations: list and detail (released / used / remaining per chip), change requests
and their decision, capacity month by month, and the Slurm plan."""

# No `from __future__ import annotations` here: django-ninja resolves annotations at import.

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from aisc.web.accounts import authz
from aisc.web.allocations import actions, cluster, pages, sync
from aisc.web.allocations.models import Allocation, ChangeRequest
from aisc.web.api.rows import fields_of, written_out
from aisc.web.catalogue.chipcodes import ChipCode

router = Router(tags=["allocations"])


class ChipBudgetOut(Schema):
    chip: str
    granted: Decimal
    released: Decimal
    used: Decimal | None
    remaining: Decimal | None


class AllocationOut(Schema):
    project_code: str
    organisation_id: int
    parent_account: str
    status: str
    start_date: dt.date
    end_date: dt.date
    subsidised: bool
    dedicated_nodes: list[str]
    sync_status: str
    sync_message: str
    budgets: list[ChipBudgetOut]


class ChangeIn(Schema):
    kind: str
    reason: str
    chip: ChipCode = ""
    to_chip: ChipCode = ""
    gpu_hours: Decimal | None = None
    new_end_date: dt.date | None = None


class ChangeOut(Schema):
    id: int
    kind: str
    status: str
    chip: str
    to_chip: str
    gpu_hours: Decimal | None
    new_end_date: dt.date | None
    reason: str
    decision_note: str


class DecisionIn(Schema):
    approve: bool
    note: str = ""


class MonthOut(Schema):
    month: str
    chip: str
    capacity_hours: Decimal
    limit_hours: Decimal
    committed_hours: Decimal
    over: bool


class PlanOut(Schema):
    changes: list[str]
    problems: list[str]


BUDGET_FIELDS = fields_of(ChipBudgetOut)
ROW_FIELDS = tuple(name for name in fields_of(AllocationOut) if name != "budgets")


def _row(allocation: Allocation, budgets: list[pages.ChipBudget]) -> dict[str, Any]:
    """AllocationOut's fields, of the types the schema holds (written out as they are)."""
    return {
        "project_code": allocation.project_code,
        "organisation_id": allocation.organisation_id,
        "parent_account": allocation.parent_account,
        "status": allocation.status,
        "start_date": allocation.start_date,
        "end_date": allocation.end_date,
        "subsidised": allocation.subsidised,
        "dedicated_nodes": list(allocation.dedicated_nodes),
        "sync_status": allocation.sync_status,
        "sync_message": allocation.sync_message,
        "budgets": [{name: getattr(b, name) for name in BUDGET_FIELDS} for b in budgets],
    }


def _out(allocation: Allocation) -> AllocationOut:
    return AllocationOut(**_row(allocation, pages.chip_budgets(allocation)))


@router.get("", response=list[AllocationOut])
@written_out(AllocationOut)
@paginate(page_size=50)
def list_allocations(request: HttpRequest) -> list[dict[str, Any]]:
    user = authz.acting_user(request)
    if not authz.can(user, "allocations.list.view"):
        authz.require(user, "allocations.mine.view")
    # Rows, not instances (the organisation that visible_to joins is not in the answer); the
    # same values and types as _row's, which the tests compare byte for byte.
    rows = list(pages.visible_to(user).select_related(None).values("id", *ROW_FIELDS))
    lines = pages.budget_lines_of({row["id"]: row["project_code"] for row in rows})
    budgets = pages.budgets_of_lines(lines)
    for row in rows:
        row["budgets"] = [
            {name: getattr(b, name) for name in BUDGET_FIELDS} for b in budgets[row["project_code"]]
        ]
    return rows


@router.get("/capacity", response=list[MonthOut])
def capacity(request: HttpRequest) -> list[MonthOut]:
    authz.require(authz.acting_user(request), "allocations.capacity.view")
    return [
        MonthOut(
            month=f"{r.month[0]}-{r.month[1]:02d}",
            chip=r.chip,
            capacity_hours=r.capacity_hours,
            limit_hours=r.limit_hours,
            committed_hours=r.committed_hours,
            over=r.over,
        )
        for r in pages.capacity_rows(timezone.localdate())
    ]


@router.get("/slurm/plan", response=PlanOut)
def slurm_plan(request: HttpRequest) -> PlanOut:
    authz.require(authz.acting_user(request), "allocations.slurm.apply")
    pending = sync.make_plan(cluster.adapter())
    return PlanOut(changes=[c.describe() for c in pending.changes], problems=pending.plan.problems)


@router.get("/{code}", response=AllocationOut)
def get_allocation(request: HttpRequest, code: str) -> AllocationOut:
    allocation = get_object_or_404(Allocation, project_code=code)
    authz.require(authz.acting_user(request), "allocations.view", allocation)
    return _out(allocation)


@router.post("/{code}/requests", response={201: ChangeOut})
def request_change(request: HttpRequest, code: str, body: ChangeIn) -> Status[ChangeOut]:
    user = authz.acting_user(request)
    allocation = get_object_or_404(Allocation, project_code=code)
    authz.require(user, "allocations.change.request", allocation)
    change = actions.do_request_change(
        allocation, actions.ChangeInput(**body.model_dump()), acting_user=user
    )
    return Status(201, ChangeOut.from_orm(change))


@router.post("/requests/{request_id}/decision", response=ChangeOut)
def decide(request: HttpRequest, request_id: int, body: DecisionIn) -> ChangeRequest:
    user = authz.acting_user(request)
    change = get_object_or_404(ChangeRequest.objects.select_related("allocation"), pk=request_id)
    authz.require(user, "allocations.change.decide", change)
    return actions.do_decide_change(change, approve=body.approve, note=body.note, acting_user=user)
