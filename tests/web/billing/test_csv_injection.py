"""Formula injection: organisation names that a spreadsheet would evaluate reach the statement's
CSV and the finance export as text (quoted), while negative and positive amounts stay numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from aisc.web.accounts.models import Organisation, Role, User
from aisc.web.billing.models import BillingPeriod, Statement
from tests.web.billing.conftest import sacct_line

pytestmark = pytest.mark.django_db
LAB = '=HYPERLINK("http://evil.example","pay")'
TENANT = "@SUM(1+1)*cmd|' /C calc'!A0"


@pytest.fixture
def orgs(make_org: Callable[..., Organisation]) -> tuple[Organisation, Organisation]:
    return make_org(name_en=LAB), make_org(name_en=TENANT)


@pytest.fixture
def closed(ingest_text: Callable[..., Any], close: Callable[..., Any]) -> BillingPeriod:
    ingest_text(
        sacct_line("1", elapsed="01:00:00"),
        sacct_line("3", account="tenant-kc", gpus="gres/gpu:h100=3,gres/gpu=3"),
    )
    period: BillingPeriod = close("2026-03")
    return period


def cells(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def assert_no_formula(rows: list[dict[str, str]]) -> None:
    for row in rows:
        for column, cell in row.items():
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                float(cell)  # only a plain number may begin with a sign
            assert not cell.startswith(("=", "@")), (column, cell)


def test_the_statement_csv_quotes_an_organisation_name_that_is_a_formula(
    closed: BillingPeriod, make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(make_user(Role.FINANCE))
    statement = Statement.objects.get(project_code="p2026a-001")
    rows = cells(client.get(reverse("billing:statement-csv", args=[statement.pk])).content.decode())
    assert {r["organisation"] for r in rows} == {"'" + LAB}
    assert_no_formula(rows)


def test_the_finance_export_quotes_every_formula_and_keeps_amounts_numeric(
    closed: BillingPeriod, make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(make_user(Role.FINANCE))
    url = reverse("billing:period-export", args=["2026-03", "csv"])
    rows = cells(client.get(url).content.decode())
    assert {r["organisation"] for r in rows} == {"'" + LAB, "'" + TENANT}
    assert_no_formula(rows)
    for row in rows:
        float(row["due"])  # still a number the finance system imports
