"""Statements as CSV and PDF (WeasyPrint), and a period's export for the finance system."""

from __future__ import annotations

import io
from typing import Any

from django.template.loader import render_to_string

from aisc.adapters import pdf_render
from aisc.core import csvcells
from aisc.web.billing.closing.figures import period_figures, statement_figures
from aisc.web.billing.models import BillingPeriod, Statement

LINE_COLUMNS = (
    "period",
    "project",
    "organisation",
    "chip",
    "partition",
    "unit_price",
    "premium_price",
    "late",
    "gpu_hours",
    "list_amount",
    "premium",
    "subsidy",
    "due",
)


def _rows(period: str, figures: dict[str, Any]) -> list[list[Any]]:
    return [
        [period, figures["project"], figures["organisation"]] + [line[c] for c in LINE_COLUMNS[3:]]
        for line in figures["lines"]
    ]


def _csv(rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csvcells.writer(out, lineterminator="\n")
    writer.writerow(LINE_COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


def statement_csv(statement: Statement) -> str:
    return _csv(_rows(statement.period.month, statement_figures(statement)))


def period_csv(period: BillingPeriod) -> str:
    """One row per statement line of the period: what the finance system imports."""
    figures = period_figures(period, with_lines=True)
    return _csv([row for p in figures["projects"] for row in _rows(period.month, p)])


def statement_pdf(statement: Statement, context: dict[str, Any]) -> bytes:
    return pdf_render.pdf_from_html(render_to_string("billing/statement_pdf.html", context))
