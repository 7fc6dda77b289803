"""Finance portal: statements (HTML, CSV, PDF), periods and closing, fund, receivables, history."""

from __future__ import annotations

import json
import zoneinfo
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from aisc.core.errors import AiscError
from aisc.core.metering.split import Month
from aisc.web.accounts import authz
from aisc.web.accounts.models import Role, User
from aisc.web.billing import analytics as centre
from aisc.web.billing import pdfs
from aisc.web.billing import render as renders
from aisc.web.billing.actions import do_close_period
from aisc.web.billing.charts import burn_down_svg
from aisc.web.billing.closing.figures import period_figures, periods_list, statement_figures
from aisc.web.billing.ledger import reports
from aisc.web.billing.models import BillingPeriod, PeriodState, Statement
from aisc.web.billing.prices import CataloguePrices
from aisc.web.billing.projects import AllocationDirectory
from aisc.web.billing.receivable_views import statement_page
from aisc.web.compiled import Compiled
from aisc.web.grants.views.page import user_of
from aisc.web.i18n import explain
from aisc.web.lists import Choice, ListSpec, Search

# Read on every statements page: compiled once (aisc.web.compiled).
period_months = Compiled(lambda: BillingPeriod.objects.order_by("-month").values("month"))


def visible_statements(user: User) -> QuerySet[Statement]:
    statements = Statement.objects.select_related("period", "organisation")
    if user.has_role(Role.FINANCE, Role.OPERATOR, Role.AUDITOR, Role.ADMIN):
        return statements
    return statements.filter(organisation__memberships__user=user)


@login_required
def statement_list(request: HttpRequest) -> HttpResponse:
    authz.require(request.user, "billing.statements.list")
    assert isinstance(request.user, User)
    months = [(p["month"], p["month"]) for p in period_months()]
    spec = ListSpec(
        sorts={
            "period": "period__month",
            "project": "project_code",
            "organisation": "organisation__name_en",
            "list": "list_cents",
            "premium": "premium_cents",
            "subsidy": "subsidy_cents",
            "due": "due_cents",
        },
        default="-period",
        filters=(
            Search("q", gettext_lazy("Project or organisation"), STATEMENT_SEARCH),
            Choice("period", gettext_lazy("Period"), "period__month", months),
        ),
    )
    listed = spec.apply(
        request, visible_statements(request.user).select_related("period", "organisation")
    )
    return render(
        request,
        "billing/statements.html",
        {"listed": listed, "columns": listed.headers(STATEMENT_COLUMNS)},
    )


STATEMENT_SEARCH = ("project_code", "organisation__name_en")
STATEMENT_COLUMNS = [
    ("period", gettext_lazy("Period")),
    ("project", gettext_lazy("Project")),
    ("organisation", gettext_lazy("Organisation")),
    ("list", gettext_lazy("List amount")),
    ("premium", gettext_lazy("Premium")),
    ("subsidy", gettext_lazy("Subsidy")),
    ("due", gettext_lazy("Due")),
]


def _statement(request: HttpRequest, pk: int) -> Statement:
    statement = get_object_or_404(Statement.objects.select_related("period", "organisation"), pk=pk)
    authz.require(request.user, "billing.statement.view", statement)
    return statement


def _statement_context(statement: Statement) -> dict[str, Any]:
    return {"statement": statement, "figures": statement_figures(statement)}


@login_required
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _statement(request, pk)
    return statement_page(request, user_of(request), statement)


@login_required
def statement_csv(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _statement(request, pk)
    response = HttpResponse(renders.statement_csv(statement), content_type="text/csv")
    name = f"statement-{statement.project_code}-{statement.period.month}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def statement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _statement(request, pk)
    pdf = pdfs.statement_pdf(
        statement,
        translation.get_language() or settings.LANGUAGE_CODE,
        lambda: renders.statement_pdf(statement, _statement_context(statement)),
    )
    if pdf is None:
        return pdfs.busy()
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"statement-{statement.project_code}-{statement.period.month}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
def period_list(request: HttpRequest) -> HttpResponse:
    authz.require(request.user, "billing.fund.view")
    return render(
        request,
        "billing/periods.html",
        {
            "periods": periods_list(),
            "can_close": authz.can(request.user, "billing.period.close"),
            # The secretariat and the committee read the fund, not the exports: no link to a 403.
            "can_export": authz.can(request.user, "billing.export.view"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def period_close(request: HttpRequest) -> HttpResponse:
    """GET states what closing the month does and asks; the POST it leads to closes it."""
    authz.require(request.user, "billing.period.close")
    assert isinstance(request.user, User)
    if request.method == "GET":
        try:
            asked = Month.parse(request.GET.get("month", ""))
        except AiscError as exc:
            messages.error(request, explain(exc))
            return redirect("billing:periods")
        return render(request, "billing/period_close.html", {"month": asked})
    try:
        month = Month.parse(request.POST.get("month", ""))
        do_close_period(
            month,
            directory=AllocationDirectory(),
            prices=CataloguePrices(),
            tz=zoneinfo.ZoneInfo(settings.TIME_ZONE),
            acting_user=request.user,
        )
    except AiscError as exc:
        messages.error(request, explain(exc))
    else:
        messages.success(request, _("Period %(month)s is closed.") % {"month": month})
    return redirect("billing:periods")


@login_required
def period_detail(request: HttpRequest, month: str) -> HttpResponse:
    authz.require(request.user, "billing.fund.view")
    period = get_object_or_404(BillingPeriod, month=month)
    return render(request, "billing/period.html", {"figures": period_figures(period)})


@login_required
def period_export(request: HttpRequest, month: str, fmt: str) -> HttpResponse:
    authz.require(request.user, "billing.export.view")
    period = get_object_or_404(BillingPeriod, month=month, state=PeriodState.CLOSED)
    if fmt == "csv":
        response = HttpResponse(renders.period_csv(period), content_type="text/csv")
    elif fmt == "json":
        body = json.dumps(period_figures(period, with_lines=True), indent=2)
        response = HttpResponse(body, content_type="application/json")
    else:
        raise Http404(fmt)
    response["Content-Disposition"] = f'attachment; filename="billing-{month}.{fmt}"'
    return response


@login_required
def fund(request: HttpRequest) -> HttpResponse:
    authz.require(request.user, "billing.fund.view")
    schemes, calls = reports.fund_lines()
    today = timezone.localdate()
    points = reports.burn_down(until=f"{today.year:04d}-{today.month:02d}")
    return render(
        request,
        "billing/fund.html",
        {
            "schemes": schemes,
            "calls": calls,
            "points": points,
            "chart": burn_down_svg(points),
            # The committee reads the fund but not the receivables or the recoveries: no link
            # that answers 403.
            "can_receivables": authz.can(request.user, "billing.receivables.view"),
            "can_recoveries": authz.can(request.user, "billing.recovery.view"),
        },
    )


@login_required
def history(request: HttpRequest) -> HttpResponse:
    authz.require(request.user, "billing.fund.view")
    return render(request, "billing/history.html", {"orgs": reports.subsidy_history()})


DIMENSION_LABELS = {
    "organisation": gettext_lazy("Organisation"),
    "call": gettext_lazy("Call"),
    "chip": gettext_lazy("Chip"),
    "partition": gettext_lazy("Partition"),
}


@login_required
def analytics(request: HttpRequest) -> HttpResponse:
    """Centre analytics; `?format=csv` (GPU-hours table) or `?format=json` (everything)."""
    authz.require(request.user, "billing.analytics.view")
    given = {k: request.GET.get(k, "").strip() for k in ("start", "end", "chip", "by")}
    try:
        filters = centre.Filters(**{**given, "by": given["by"] or "organisation"})
    except AiscError as exc:
        filters, error = centre.Filters(), explain(exc)
    else:
        error = ""
    fmt = request.GET.get("format", "")
    if fmt == "csv" and not error:
        response = HttpResponse(centre.gpu_hours_csv(filters), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="gpu-hours-by-{filters.by}.csv"'
        return response
    data = centre.report(filters)
    if fmt == "json" and not error:
        return JsonResponse(data)
    months: dict[str, float] = {}
    for row in data["gpu_hours"]:
        months[row["month"]] = months.get(row["month"], 0.0) + row["gpu_hours"]
    tallest = max(months.values(), default=0.0) or 1.0
    bars = [
        {"month": m, "hours": h, "x": 20 + 44 * i, "height": round(120 * h / tallest, 1)}
        for i, (m, h) in enumerate(sorted(months.items()))
    ]
    return render(
        request,
        "billing/analytics.html",
        {
            "report": data,
            "given": given,
            "error": error,
            "dimensions": [(d, DIMENSION_LABELS[d]) for d in centre.DIMENSIONS],
            "by_label": DIMENSION_LABELS.get(data["by"], data["by"]),
            "bars": bars,
            "can_fund": authz.can(request.user, "billing.fund.view"),
        },
    )
