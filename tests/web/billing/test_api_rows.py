"""The billing API's period and statement figures, read as rows, answer the very bytes that the
figures read through model instances gave (the reference below is that reading: instances, the
organisation joined, the lines prefetched, the totals summed by the database), with fewer
queries; who may read a statement is decided as before."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.db.models import Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from ninja.responses import NinjaJSONEncoder

from aisc.web.accounts.models import Organisation, Role, User
from aisc.web.billing.closing.figures import amounts, period_figures
from aisc.web.billing.models import BillingPeriod, Statement

pytestmark = pytest.mark.django_db


def by_instances(statement: Statement, with_lines: bool = True) -> dict[str, Any]:
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
        figures["lines"] = [
            {
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
            for line in statement.lines.all()
        ]
    return figures


def period_by_instances(period: BillingPeriod, with_lines: bool) -> dict[str, Any]:
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
        "projects": [by_instances(s, with_lines) for s in statements],
        "total": amounts(*(sums[k] or 0 for k in ("lc", "sc", "dc", "gs", "pc"))),
    }


def written(figures: dict[str, Any]) -> bytes:
    """What ninja writes for a view's dict (no response schema: its encoder alone)."""
    return json.dumps(figures, cls=NinjaJSONEncoder).encode()


def billing_queries(client: Client, path: str) -> tuple[bytes, int]:
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(path)
    assert answer.status_code == 200, answer.content
    assert answer["Content-Type"] == "application/json; charset=utf-8"
    return answer.content, sum('"billing_' in q["sql"] for q in queries.captured_queries)


def test_the_period_and_statement_figures_are_the_bytes_the_instances_gave_in_fewer_queries(
    closed: BillingPeriod,
    close: Callable[..., Any],
    make_user: Callable[..., User],
    api_client: Callable[[User], Client],
) -> None:
    client = api_client(make_user(Role.FINANCE))
    body, queries = billing_queries(client, "/api/v1/billing/periods/2026-03")
    expected = period_by_instances(closed, with_lines=True)
    assert len(expected["projects"]) == 2
    assert all(p["lines"] for p in expected["projects"])
    assert body == written(expected)
    assert queries == 3  # the period, its statements (organisations joined), their lines
    for with_lines in (True, False):
        assert period_figures(closed, with_lines) == period_by_instances(closed, with_lines)

    empty = close("2026-04")  # nothing metered in April: no statement, totals of zero
    assert period_figures(empty, with_lines=True) == period_by_instances(empty, True)
    assert period_figures(empty)["total"]["due"] == "0.00"

    for statement in Statement.objects.select_related("period", "organisation"):
        path = f"/api/v1/billing/statements/{statement.pk}"
        body, queries = billing_queries(client, path)
        assert body == written({"period": "2026-03", **by_instances(statement)})
        assert queries == 2  # the statement with its period and organisation, its lines


def test_a_member_reads_only_its_organisations_statement_as_before(
    closed: BillingPeriod,
    orgs: tuple[Organisation, Organisation],
    make_user: Callable[..., User],
    api_client: Callable[[User], Client],
) -> None:
    client = api_client(make_user(org=orgs[0]))
    own = Statement.objects.get(project_code="p2026a-001")
    other = Statement.objects.get(project_code="tenant-kc")
    body, _ = billing_queries(client, f"/api/v1/billing/statements/{own.pk}")
    assert body == written({"period": "2026-03", **by_instances(own)})
    assert client.get(f"/api/v1/billing/statements/{other.pk}").status_code == 403
    assert client.get("/api/v1/billing/periods/2026-03").status_code == 403
