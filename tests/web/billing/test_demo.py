"""Acceptance on the demo centre: the finance user's statements match `aisc billing show --json`
to the cent, and the fund dashboard's disbursed equals the sum of the statements' subsidy lines."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from typer.testing import CliRunner

from aisc.cli.main import app
from aisc.web.accounts.models import User
from aisc.web.allocations.models import Allocation, CreditEvent
from aisc.web.billing.credit_status import credit_rows
from aisc.web.billing.models import (
    BillingPeriod,
    LedgerPosting,
    Recovery,
    Statement,
    StatementLine,
    UsageRecord,
)
from aisc.web.billing.payments import owed
from aisc.web.demo_load import load_all

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.mark.usefixtures("demo")
def test_the_demo_has_three_months_of_usage_and_two_closed_periods() -> None:
    closed = BillingPeriod.objects.filter(state="closed")
    assert closed.count() == 2
    months = {r.submit.month for r in UsageRecord.objects.all()}
    assert len(months) >= 3
    steps = CreditEvent.objects.count()
    load_all()  # idempotent: a second load adds nothing
    assert BillingPeriod.objects.filter(state="closed").count() == 2
    assert CreditEvent.objects.count() == steps


@pytest.mark.usefixtures("demo")
def test_the_demo_has_a_budget_past_80_percent_one_expired_and_one_carried_over_at_half() -> None:
    rows = credit_rows(timezone.localdate())
    past = [r for r in rows if r.allocation.credit_stage in ("warned", "stopped")]
    assert past, "the keen grantee's budget is past its warning"
    assert all(r.percent is not None and r.percent >= 80 for r in past)
    (ended,) = [r for r in rows if r.allocation.credit_stage == "expired"]
    assert ended.expired > 0
    assert ended.written_off > 0
    assert ended.allocation.status == "expired"
    # A release under the scheme's 50 % carry-over, after the project's first months of use.
    (carried,) = CreditEvent.objects.filter(kind="carry_over")
    assert (carried.percent, carried.tranche_seq) == (Decimal(50), 2)
    assert carried.carried > 0
    assert carried.expired - carried.carried in (0, Decimal("0.01"))
    row = next(r for r in rows if r.allocation == carried.allocation)
    assert row.allocation.credit_stage == "open"
    assert row.written_off > 0
    assert row.released == sum(t.gpu_hours for t in row.allocation.lines.all())


@pytest.mark.usefixtures("demo")
def test_the_finance_users_statements_match_billing_show_json_to_the_cent() -> None:
    client = Client()
    client.force_login(User.objects.get(email="finance@aisc.demo"))
    for period in BillingPeriod.objects.filter(state="closed"):
        result = CliRunner().invoke(app, ["billing", "show", period.month, "--json"])
        printed = json.loads(result.output)
        assert printed["projects"]
        for project in printed["projects"]:
            st = Statement.objects.get(period=period, project_code=project["project"])
            html = client.get(f"/billing/statements/{st.pk}/").content.decode()
            shown = dict(re.findall(r'data-total="(\w+)" data-value="([-\d.]+)"', html))
            keys = ("list_amount", "premium", "subsidy", "due")
            assert shown == {k: project[k] for k in keys}
            assert Decimal(project["list_amount"]) + Decimal(project["premium"]) == Decimal(
                project["subsidy"]
            ) + Decimal(project["due"])


@pytest.mark.usefixtures("demo")
def test_in_the_demo_only_projects_on_dedicated_nodes_pay_a_premium() -> None:
    dedicated = list(
        Allocation.objects.exclude(dedicated_nodes=[]).values_list("project_code", flat=True)
    )
    assert dedicated  # the demo has a tenant holding node h800-02
    used = Statement.objects.filter(project_code__in=dedicated, gpu_seconds__gt=0)
    assert all(st.premium_cents > 0 for st in used)
    others = Statement.objects.exclude(project_code__in=dedicated)
    assert others.exists()
    # the demo catalogue has no partition premiums: a shared project pays none
    assert all(st.premium_cents == 0 for st in others)


@pytest.mark.usefixtures("demo")
def test_the_demo_fund_dashboard_disbursed_is_the_sum_of_the_statements_subsidy_lines() -> None:
    client = Client()
    client.force_login(User.objects.get(email="finance@aisc.demo"))
    html = client.get("/billing/fund/").content.decode()
    disbursed = sum(
        Decimal(x) for x in re.findall(r'data-figure="disbursed" data-value="([-\d.]+)"', html)
    )
    lines = sum(StatementLine.objects.values_list("subsidy_cents", flat=True))
    assert disbursed == Decimal(lines) / 100
    assert disbursed > 0


@pytest.mark.usefixtures("demo")
def test_the_demo_has_a_recovery_half_paid_whose_payment_returned_to_the_fund() -> None:
    found = Recovery.objects.get()
    assert found.status == "partly_paid"
    figures = owed(found)
    assert figures.paid == (figures.amount / 2).quantize(Decimal("0.01")) > 0
    returned = LedgerPosting.objects.filter(
        account__startswith="disbursed:", entry__key__startswith="payment:"
    ).values_list("amount_cents", flat=True)
    assert -sum(returned) == int(figures.paid * 100)
    client = Client()
    client.force_login(User.objects.get(email="finance@aisc.demo"))
    assert found.number in client.get("/billing/recoveries/").content.decode()
