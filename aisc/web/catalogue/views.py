"""Catalogue pages: operators' overview (clusters, nodes, capacity), the public price list,
the exchange calculator and the estimator (a page, and a fragment other forms embed)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from aisc.core.catalogue.chips import PRECISIONS
from aisc.core.catalogue.exchange import convert
from aisc.core.catalogue.nodes import basis, gpus_for, nodes_for
from aisc.core.errors import AiscError
from aisc.core.estimate import estimate as run_estimate
from aisc.web.accounts import authz
from aisc.web.catalogue import cluster_state, node_states
from aisc.web.catalogue.actions import do_set_node_state
from aisc.web.catalogue.capacity import capacity_by_chip
from aisc.web.catalogue.forms import EquivalentForm, EstimateForm, ExchangeForm, NodeStateForm
from aisc.web.catalogue.models import ChipModel, Cluster, ExchangeRate, Node, RateCard
from aisc.web.i18n import explain

FLAG_LABELS = {
    "over_request": _("Over-request: the request implies an MFU below the workload's band."),
    "unrealistic": _("Unrealistic: the request implies an MFU above 55%."),
    "beyond_yardstick": _("Beyond the largest local models' 10 nodes x 1 year."),
    "mfu_outside_band": _("The assumed MFU is outside the workload's band."),
    "memory_does_not_fit": _("The model does not fit in the requested GPUs' memory."),
    "moe_total_only": _(
        "Check: a model this large may be a mixture of experts; give its active parameters "
        "per token, or state that it is dense."
    ),
    "beyond_compute_optimal": _(
        "Far more tokens per parameter than compute-optimal: such runs used far more "
        "GPU-hours than this estimate; see the band."
    ),
    "long_run": _(
        "A long run: restarts and checkpoints will cost wall time; state the expected goodput."
    ),
}


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    authz.require(request.user, "catalogue.view")
    precision = request.GET.get("precision", "bf16")
    if precision not in PRECISIONS:
        precision = "bf16"
    clusters = list(Cluster.objects.prefetch_related("partitions__nodes__node_type"))
    reported = cluster_state.node_states()
    for cluster in clusters:
        for partition in cluster.partitions.all():
            for node in partition.nodes.all():
                state = node.state if reported is None else reported.get(node.name, node.state)
                node.cluster_state = state  # type: ignore[attr-defined]
                node.cluster_state_label = node_states.label(state)  # type: ignore[attr-defined]
    context = {
        "clusters": clusters,
        "cluster_unreachable": reported is None,
        "capacity": capacity_by_chip(precision),
        "precision": precision,
        "precisions": PRECISIONS,
        "basis": f"{precision.upper()} dense",
        "can_edit": authz.can(request.user, "catalogue.node.edit"),
        "state_form": NodeStateForm(),
    }
    return render(request, "catalogue/overview.html", context)


@login_required
@require_POST
def node_state(request: HttpRequest, node_id: int) -> HttpResponse:
    node = get_object_or_404(Node, pk=node_id)
    authz.require(request.user, "catalogue.node.edit", node)
    form = NodeStateForm(request.POST)
    if form.is_valid():
        try:
            do_set_node_state(
                node,
                form.cleaned_data["state"],
                acting_user=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Node state saved."))
        except AiscError as exc:
            messages.error(request, f"{exc.field}: {explain(exc)}")
    else:
        messages.error(request, _("Choose a valid state."))
    return redirect("catalogue:overview")


def prices(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    cards = list(RateCard.objects.select_related("chip").order_by("chip__code", "valid_from"))
    current = [card for card in cards if card.covers(today)]
    return render(
        request,
        "catalogue/prices.html",
        {"current": current, "cards": cards, "today": today, "chips": ChipModel.objects.all()},
    )


def _equivalent(request: HttpRequest) -> tuple[EquivalentForm, dict[str, Any] | None]:
    form = EquivalentForm(request.GET if "cap-pflops" in request.GET else None, prefix="cap")
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    try:
        gpus = gpus_for(data["pflops"], data["chip"], data["precision"])
    except AiscError as exc:
        form.add_error(None, explain(exc))
        return form, None
    return form, {**data, "gpus": gpus, "nodes": nodes_for(gpus), "basis": basis(data["precision"])}


def exchange(request: HttpRequest) -> HttpResponse:
    """Two public calculators: GPU-hours between chips, and PFLOPS to GPUs and nodes."""
    equivalent_form, equivalent = _equivalent(request)
    form = ExchangeForm(request.GET if "gpu_hours" in request.GET else None)
    result: dict[str, Any] | None = None
    if form.is_valid():
        data, on = form.cleaned_data, form.day()
        rates = [rate.as_core() for rate in ExchangeRate.objects.all()]
        try:
            hours = convert(data["gpu_hours"], data["from_chip"], data["to_chip"], on, rates)
            result = {"hours": hours, "on": on, **data}
        except AiscError as exc:
            form.add_error(None, explain(exc))
    rates_table = ExchangeRate.objects.select_related("chip").order_by("chip__code", "valid_from")
    return render(
        request,
        "catalogue/exchange.html",
        {
            "form": form,
            "result": result,
            "rates": rates_table,
            "equivalent_form": equivalent_form,
            "equivalent": equivalent,
        },
    )


def estimate(request: HttpRequest) -> HttpResponse:
    """GET or POST; with `partial=1` (or an htmx request) only the result fragment."""
    data = request.POST if request.method == "POST" else request.GET
    form = EstimateForm(data if "params" in data else None)
    result = None
    if form.is_valid():
        try:
            result = run_estimate(form.to_input()).as_dict()
        except AiscError as exc:
            field = exc.field if exc.field in form.fields else None
            label = str(form.fields[field].label) if field is not None else None
            form.add_error(field, explain(exc, label))
    flags = [
        {**flag, "label": FLAG_LABELS[flag["code"]]} for flag in (result or {}).get("flags", [])
    ]
    context = {"form": form, "result": result, "flags": flags}
    if data.get("partial") or request.headers.get("HX-Request"):
        return render(request, "catalogue/_estimate_result.html", context)
    return render(request, "catalogue/estimate.html", context)


def chips(request: HttpRequest) -> HttpResponse:
    """Public: the chips the centre runs, their memory and peaks, and the GPUs of each on record."""
    capacity = {row.chip: row for row in capacity_by_chip("bf16")}
    rows = [(chip, capacity.get(chip.code)) for chip in ChipModel.objects.order_by("code")]
    context = {"rows": rows, "basis": "BF16 dense"}
    return render(request, "catalogue/chips.html", context)
