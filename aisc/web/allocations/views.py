"""Portal pages: allocations and their sync state, one allocation (released / used /
remaining per chip, change requests), capacity month by month, dedicated nodes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aisc.core.allocations.lifecycle import RequestStatus
from aisc.core.errors import AiscError
from aisc.web.accounts import authz
from aisc.web.accounts.models import User
from aisc.web.allocations import actions, chart, cluster, guard, pages, plan_chart, plan_page, sync
from aisc.web.allocations.forms import CapacityPlanForm, ChangeRequestForm, DecisionForm
from aisc.web.allocations.models import (
    Allocation,
    ChangeRequest,
    CreditKind,
    RequestKind,
    SyncStatus,
)
from aisc.web.catalogue import node_states
from aisc.web.grants.models import Application
from aisc.web.i18n import explain
from aisc.web.lists import Choice, ListSpec, Search

ALLOCATIONS = ListSpec(
    sorts={
        "project": "project_code",
        "organisation": "organisation__name_en",
        "status": "status",
        "dates": "start_date",
        "sync": "sync_status",
    },
    default="project",
    filters=(
        Search(
            "q", gettext_lazy("Project or organisation"), ("project_code", "organisation__name_en")
        ),
        Choice("status", gettext_lazy("Status"), "status", Allocation.STATUS_CHOICES),
        Choice("sync", gettext_lazy("Slurm sync"), "sync_status", SyncStatus.choices),
    ),
)
ALLOCATION_COLUMNS = [
    ("project", gettext_lazy("Project")),
    ("organisation", gettext_lazy("Organisation")),
    ("status", gettext_lazy("Status")),
    ("dates", gettext_lazy("Dates")),
    ("released", gettext_lazy("Released GPU-hours")),
    ("nodes", gettext_lazy("Dedicated nodes")),
    ("sync", gettext_lazy("Slurm sync")),
]


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def allocation_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    visible = pages.visible_to(user)
    if not visible.exists() and not authz.can(user, "allocations.list.view"):
        authz.require(user, "allocations.mine.view")
    listed = ALLOCATIONS.apply(request, visible.prefetch_related("lines"))
    shown = list(listed.rows)
    budgets = pages.budgets_of(shown)
    rows = [(a, budgets[a.project_code]) for a in shown]
    return render(
        request,
        "allocations/list.html",
        {
            "rows": rows,
            "listed": listed,
            "columns": listed.headers(ALLOCATION_COLUMNS),
            "can_apply": authz.can(user, "allocations.slurm.apply"),
        },
    )


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    # The budget and the page both read the lines: fetched once for both.
    allocation = get_object_or_404(
        Allocation.objects.select_related("organisation").prefetch_related("lines", "members"),
        project_code=code,
    )
    authz.require(user, "allocations.view", allocation)
    form = ChangeRequestForm(request.POST or None)
    if request.method == "POST":
        authz.require(user, "allocations.change.request", allocation)
        if form.is_valid():
            try:
                change = actions.do_request_change(
                    allocation, actions.ChangeInput(**form.cleaned_data), acting_user=user
                )
            except AiscError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, explain(exc))
            else:
                messages.success(request, _sent(change))
                return redirect("allocations:detail", code=code)
    requests = list(allocation.requests.select_related("requested_by", "allocation"))
    return render(
        request,
        "allocations/detail.html",
        {
            "allocation": allocation,
            "budgets": pages.chip_budgets(allocation),
            "lines": allocation.lines.all(),
            "carry_overs": allocation.credit.filter(kind=CreditKind.CARRY_OVER),
            "members": allocation.members.all(),
            "requests": requests,
            "form": form,
            "can_request": authz.can(user, "allocations.change.request", allocation),
            "decidable": {
                r.pk for r in requests if authz.can(user, "allocations.change.decide", r)
            },
        },
        status=422 if form.errors else 200,
    )


def _sent(change: ChangeRequest) -> str:
    if change.status == RequestStatus.APPROVED:
        return _("Your exchange was approved automatically; Slurm's limits follow shortly.")
    if change.kind == RequestKind.EXCHANGE and change.allocation.award_id is not None:
        return _("Your request was sent to the secretariat.")
    return _("Your request was sent to the operators.")


@login_required
@require_POST
def decide(request: HttpRequest, request_id: int) -> HttpResponse:
    user = _user(request)
    change = get_object_or_404(ChangeRequest.objects.select_related("allocation"), pk=request_id)
    authz.require(user, "allocations.change.decide", change)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        # A refusal names the field and the rule (for a note over 500 characters, say), where a
        # bare 403 would leave the operator guessing.
        for field, errors in form.errors.items():
            messages.error(request, f"{field}: {' '.join(str(e) for e in errors)}")
        return redirect("allocations:detail", code=change.allocation.project_code)
    try:
        actions.do_decide_change(
            change, approve=form.cleaned_data["approve"], note=form.cleaned_data["note"],
            acting_user=user,
        )  # fmt: skip
    except AiscError as exc:
        messages.error(request, explain(exc))
    return redirect("allocations:detail", code=change.allocation.project_code)


@login_required
@require_POST
def apply_now(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    authz.require(user, "allocations.slurm.apply")
    try:
        outcome, remaining = sync.apply(acting_user=user)
    except AiscError as exc:
        messages.error(request, explain(exc))
    else:
        messages.info(
            request,
            _("%(applied)d changes applied to Slurm, %(left)d remaining.")
            % {"applied": len(outcome.applied), "left": len(remaining.changes)},
        )
    return redirect("allocations:list")


@login_required
def capacity(request: HttpRequest) -> HttpResponse:
    authz.require(request.user, "allocations.capacity.view")
    today = timezone.localdate()
    rows = pages.capacity_rows(today)
    return render(
        request,
        "allocations/capacity.html",
        {
            "rows": rows,
            "chart": chart.svg(rows, _("Committed GPU-hours against the limit, by month")),
            "overbooking": guard.overbooking(today),
        },
    )


@login_required
def capacity_plan(request: HttpRequest) -> HttpResponse:
    """Plan a scenario (or the centre as configured) on the simulator; nothing is stored."""
    authz.require(request.user, "allocations.capacity.view")
    form = CapacityPlanForm(request.POST or None)
    doc, error = None, ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            doc = plan_page.run_plan(
                data["scenario"], data["months"], data["seeds"], timezone.localdate()
            )
        except AiscError as exc:
            error = explain(exc)
    return render(
        request,
        "allocations/capacity_plan.html",
        {
            "form": form,
            "doc": doc,
            "error": error,
            "chart": plan_chart.svg(doc, _("Utilisation by month")) if doc else "",
        },
        status=422 if form.errors or error else 200,
    )


@login_required
def capacity_fit(request: HttpRequest, application_id: int) -> HttpResponse:
    """ "Fits in capacity?" for one application: the centre planned without and with it."""
    authz.require(request.user, "allocations.capacity.view")
    application = get_object_or_404(Application, pk=application_id)
    try:
        fit, error = plan_page.application_fit(application, timezone.localdate()), ""
    except AiscError as exc:
        fit, error = None, explain(exc)
    return render(
        request,
        "allocations/capacity_fit.html",
        {"application": application, "fit": fit, "error": error},
    )


@login_required
def reservations(request: HttpRequest) -> HttpResponse:
    authz.require(request.user, "allocations.reservations.view")
    dedicated = [a for a in Allocation.objects.select_related("organisation") if a.dedicated_nodes]
    try:
        nodes = cluster.adapter().nodes()
        error = ""
    except AiscError as exc:
        nodes, error = [], explain(exc)
    holder = {n: a for a in dedicated for n in a.dedicated_nodes if a.status == "active"}
    return render(
        request,
        "allocations/reservations.html",
        {
            "dedicated": dedicated,
            "nodes": [(n, node_states.label(n.state), holder.get(n.name)) for n in nodes],
            "error": error,
        },
    )
