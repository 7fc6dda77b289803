"""Figures of stored statements, as exact decimal strings: what `--json`, CSV and pages show."""

from __future__ import annotations

from typing import Any

from django.db.models import Sum

from aisc.web.billing.models import BillingPeriod, Statement, StatementLine
from aisc.web.billing.money import from_cents, gpu_hours


def amounts(
    list_cents: int, subsidy_cents: int, due_cents: int, gpu_seconds: int, premium_cents: int = 0
) -> dict[str, str]:
    """list_amount + premium = subsidy + due: the subsidy is a share of the list amount only."""
    return {
        "list_amount": str(from_cents(list_cents)),
        "premium": str(from_cents(premium_cents)),
        "subsidy": str(from_cents(subsidy_cents)),
        "due": str(from_cents(due_cents)),
        "gpu_hours": str(gpu_hours(gpu_seconds)),
    }


def line_figures(line: StatementLine) -> dict[str, Any]:
    return {
        "chip": line.chip,
        "partition": line.partition,
        "unit_price": str(line.unit_price),
        "premium_price": str(line.premium_price),
        "late": line.late,
        "capped": line.capped,
        **amounts(
            line.list_cents,
            line.subsidy_cents,
            line.due_cents,
            line.gpu_seconds,
            line.premium_cents,
        ),
    }


def statement_figures(statement: Statement, with_lines: bool = True) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "project": statement.project_code,
        "organisation": str(statement.organisation) if statement.organisation else "",
        "subsidised": statement.subsidised,
        "cap_reached": statement.cap_reached,
        **amounts(
            statement.list_cents,
            statement.subsidy_cents,
            statement.due_cents,
            statement.gpu_seconds,
            statement.premium_cents,
        ),
    }
    if with_lines:
        figures["lines"] = [line_figures(line) for line in statement.lines.all()]
    return figures


def period_figures(period: BillingPeriod, with_lines: bool = False) -> dict[str, Any]:
    statements = Statement.objects.filter(period=period).select_related("organisation")
    if with_lines:
        statements = statements.prefetch_related("lines")
    sums = statements.aggregate(
        lc=Sum("list_cents"),
        sc=Sum("subsidy_cents"),
        dc=Sum("due_cents"),
        gs=Sum("gpu_seconds"),
        pc=Sum("premium_cents"),
    )
    return {
        "period": period.month,
        "state": period.state,
        "closed_at": period.closed_at.isoformat() if period.closed_at else None,
        "projects": [statement_figures(s, with_lines) for s in statements],
        "total": amounts(
            sums["lc"] or 0, sums["sc"] or 0, sums["dc"] or 0, sums["gs"] or 0, sums["pc"] or 0
        ),
    }


def periods_list() -> list[dict[str, Any]]:
    return [
        {
            "period": p.month,
            "state": p.state,
            "closed_at": p.closed_at.isoformat() if p.closed_at else None,
            "statements": p.statements.count(),
        }
        for p in BillingPeriod.objects.all()
    ]
