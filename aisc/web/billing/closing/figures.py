"""Figures of stored statements, as exact decimal strings: what `--json`, CSV and pages show."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import F

from aisc.web.billing.models import BillingPeriod, Statement, StatementLine
from aisc.web.billing.money import from_cents, gpu_hours
from aisc.web.compiled import Compiled

# amounts()'s arguments, in its order
CENTS = ("list_cents", "subsidy_cents", "due_cents", "gpu_seconds", "premium_cents")
STATEMENT_FIELDS = ("project_code", "subsidised", "cap_reached", *CENTS)
LINE_FIELDS = ("chip", "partition", "unit_price", "premium_price", "late", "capped", *CENTS)


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


def line_figures(line: Mapping[str, Any]) -> dict[str, Any]:
    """A statement line's figures from its row (`.values(*LINE_FIELDS)`)."""
    return {
        "chip": line["chip"],
        "partition": line["partition"],
        "unit_price": str(line["unit_price"]),
        "premium_price": str(line["premium_price"]),
        "late": line["late"],
        "capped": line["capped"],
        **amounts(*(line[name] for name in CENTS)),
    }


def _figures(statement: Mapping[str, Any], lines: list[dict[str, Any]] | None) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "project": statement["project_code"],
        "organisation": statement["organisation_name"] or "",
        "subsidised": statement["subsidised"],
        "cap_reached": statement["cap_reached"],
        **amounts(*(statement[name] for name in CENTS)),
    }
    if lines is not None:
        figures["lines"] = [line_figures(line) for line in lines]
    return figures


# Read on every call of the billing API and the statement pages: compiled once (aisc.web.compiled).
lines_of_statement = Compiled(
    lambda statement_id: StatementLine.objects.filter(statement_id=statement_id).values(
        *LINE_FIELDS
    ),
    int,
)
statements_of_period = Compiled(
    lambda period_id: Statement.objects.filter(period_id=period_id).values(
        "id", *STATEMENT_FIELDS, organisation_name=F("organisation__name_en")
    ),
    int,
)
lines_of_period = Compiled(
    lambda period_id: (
        StatementLine.objects.filter(statement__period_id=period_id)
        .order_by("statement_id", "seq")
        .values("statement_id", *LINE_FIELDS)
    ),
    int,
)


def statement_figures(statement: Statement, with_lines: bool = True) -> dict[str, Any]:
    row = {name: getattr(statement, name) for name in STATEMENT_FIELDS}
    row["organisation_name"] = str(statement.organisation) if statement.organisation else ""
    return _figures(row, lines_of_statement(statement.pk) if with_lines else None)


def period_figures(period: BillingPeriod, with_lines: bool = False) -> dict[str, Any]:
    # Rows, not model instances: a period holds a statement per project and several lines each,
    # and building an instance per row was most of this function's CPU. The totals are summed
    # from the same rows (integers, as the database's SUM gives them).
    statements = statements_of_period(period.pk)
    lines: dict[int, list[dict[str, Any]]] = {}
    if with_lines:
        for line in lines_of_period(period.pk):
            lines.setdefault(line["statement_id"], []).append(line)
    return {
        "period": period.month,
        "state": period.state,
        "closed_at": period.closed_at.isoformat() if period.closed_at else None,
        "projects": [
            _figures(s, lines.get(s["id"], []) if with_lines else None) for s in statements
        ],
        "total": amounts(*(sum(s[name] for s in statements) for name in CENTS)),
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
