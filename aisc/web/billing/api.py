"""API: billing periods and their figures, statements, the fund, and usage per project."""

# No `from __future__ import annotations` here: django-ninja resolves annotations at import time.

from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router

from aisc.web.accounts import authz
from aisc.web.billing import analytics
from aisc.web.billing.closing.figures import period_figures, periods_list, statement_figures
from aisc.web.billing.ingest.metered import used_gpu_hours
from aisc.web.billing.ledger import reports
from aisc.web.billing.models import BillingPeriod, Statement
from aisc.web.compiled import Compiled

router = Router(tags=["billing"])

# Read on every call of the period and usage paths: compiled once (aisc.web.compiled).
period_of_month = Compiled(lambda month: BillingPeriod.objects.filter(month=month), str)
first_statement_of_project = Compiled(
    lambda code: Statement.objects.filter(project_code=code)[:1], str
)


@router.get("/periods")
def list_periods(request: HttpRequest) -> dict[str, Any]:
    authz.require(request.user, "billing.fund.view")
    return {"periods": periods_list()}


@router.get("/periods/{month}")
def get_period(request: HttpRequest, month: str) -> dict[str, Any]:
    """Per-project and total figures; amounts are strings holding exact decimals."""
    authz.require(request.user, "billing.fund.view")
    found = period_of_month(month)  # month is unique
    if not found:
        raise Http404(month)
    return period_figures(found[0], with_lines=True)


@router.get("/statements/{statement_id}")
def get_statement(request: HttpRequest, statement_id: int) -> dict[str, Any]:
    statement = get_object_or_404(
        Statement.objects.select_related("period", "organisation"), pk=statement_id
    )
    authz.require(request.user, "billing.statement.view", statement)
    return {"period": statement.period.month, **statement_figures(statement)}


@router.get("/analytics")
def get_analytics(
    request: HttpRequest, start: str = "", end: str = "", chip: str = "", by: str = "organisation"
) -> dict[str, Any]:
    """Centre analytics (docs/capacity.md, "Centre analytics"); months YYYY-MM, inclusive."""
    authz.require(request.user, "billing.analytics.view")
    return analytics.report(analytics.Filters(start, end, chip, by))


@router.get("/fund")
def get_fund(request: HttpRequest) -> dict[str, Any]:
    authz.require(request.user, "billing.fund.view")
    schemes, calls = reports.fund_lines()

    def line(x: Any) -> dict[str, Any]:
        return {
            "key": "/".join(x.key),
            "appropriated": str(x.appropriated),
            "committed": str(x.committed),
            "disbursed": str(x.disbursed),
            "recovered": str(x.recovered),
            "uncommitted": str(x.uncommitted),
            "remaining": str(x.remaining),
        }

    return {"schemes": [line(s) for s in schemes], "calls": [line(c) for c in calls]}


@router.get("/usage/{project_code}")
def get_usage(request: HttpRequest, project_code: str) -> dict[str, Any]:
    """GPU-hours metered per chip: operators, finance, and the project's organisation."""
    found = first_statement_of_project(project_code)
    statement = found[0] if found else None
    if not authz.can(request.user, "billing.statement.view", statement):
        raise Http404(project_code)
    hours = used_gpu_hours(project_code)
    return {"project": project_code, "gpu_hours": {chip: str(h) for chip, h in hours.items()}}
