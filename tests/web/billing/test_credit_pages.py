"""The credit lifecycle as people see it: the secretariat's award budgets list every award's stage,
use, projected exhaustion, expired hours and subsidy written off; the grantee's usage page shows
its own stage, steps and write-off; no one else reaches the list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from aisc.web.accounts.models import User
from aisc.web.allocations import credit
from aisc.web.allocations.models import Allocation
from aisc.web.billing.credit_status import credit_rows, written_off
from aisc.web.billing.models import UsageRecord, UsageTotal
from aisc.web.grants.models import Award

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("inventory", "price")]


@pytest.fixture
def expired(award: Award) -> Allocation:
    allocation = Allocation.objects.get(award=award)
    allocation.status = "active"
    allocation.save(update_fields=["status"])
    UsageTotal.objects.create(project_code=award.project_code, chip="h800", gpu_seconds=3600 * 40)
    credit.do_credit_steps(allocation.end_date + dt.timedelta(days=1))
    allocation.refresh_from_db()
    assert allocation.credit_stage == "expired"
    return allocation


def test_the_secretariat_sees_each_awards_stage_and_what_was_written_off(
    expired: Allocation, secretariat: User, logged_in: Callable[[User], Client]
) -> None:
    page = logged_in(secretariat).get("/billing/credit/")
    assert page.status_code == 200
    (row,) = page.context["rows"]
    assert row.allocation == expired
    assert row.used == Decimal("40.00")
    assert row.expired > 0
    assert row.written_off > 0
    html = page.content.decode()
    assert f'data-project="{expired.project_code}"' in html
    assert f'data-value="{row.written_off}"' in html
    assert "Expired" in html


def test_the_grantee_sees_the_stage_the_expiry_and_the_write_off_on_their_usage_page(
    expired: Allocation, applicant: User, logged_in: Callable[[User], Client]
) -> None:
    page = logged_in(applicant).get(f"/billing/awards/{expired.award_id}/usage/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="credit"' in html
    assert "unused GPU-hours expired" in html
    assert html.count('data-row="credit-step"') == 1
    assert page.context["credit"].written_off > 0


def test_the_grantee_is_told_the_stage_in_chinese_too(
    expired: Allocation, applicant: User, logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(applicant)
    page = client.get(f"/billing/awards/{expired.award_id}/usage/", HTTP_ACCEPT_LANGUAGE="zh-hant")
    html = page.content.decode()
    assert "額度階段" in html
    assert "已撇銷" in html


def test_an_applicant_cannot_reach_the_award_budgets(
    award: Award, applicant: User, logged_in: Callable[[User], Client]
) -> None:
    assert logged_in(applicant).get("/billing/credit/").status_code == 403


def test_the_list_leaves_out_tenants_and_allocations_not_yet_started(
    award: Award, make_user: Callable[..., User]
) -> None:
    allocation = Allocation.objects.get(award=award)
    assert allocation.status == "pending"  # the award starts later
    assert credit_rows(allocation.start_date) == []
    allocation.status = "active"
    allocation.save(update_fields=["status"])
    (row,) = credit_rows(allocation.start_date)
    assert row.percent == 0
    assert row.written_off == 0
    assert row.steps == []


def test_a_budget_with_nothing_released_shows_no_percentage(award: Award) -> None:
    allocation = Allocation.objects.get(award=award)
    allocation.status = "active"
    allocation.save(update_fields=["status"])
    allocation.lines.update(released=False)
    (row,) = credit_rows(allocation.start_date)
    assert (row.released, row.percent, row.runs_out) == (Decimal(0), None, None)


def test_the_written_off_subsidy_is_read_per_project_from_the_expired_accounts(
    expired: Allocation,
) -> None:
    written = written_off()
    assert list(written) == [expired.project_code]
    assert written[expired.project_code] > 0


@pytest.mark.parametrize("role", ["committee", "reviewer", "operator"])
def test_staff_outside_the_secretariat_and_finance_cannot_reach_the_award_budgets(
    role: str, award: Award, make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    assert logged_in(make_user(role)).get("/billing/credit/").status_code == 403


def test_the_grantee_and_the_secretariat_see_the_same_run_out_day(
    award: Award,
    applicant: User,
    secretariat: User,
    logged_in: Callable[[User], Client],
) -> None:
    allocation = Allocation.objects.get(award=award)
    allocation.status = "active"
    allocation.save(update_fields=["status"])
    today = timezone.localdate()
    UsageRecord.objects.create(
        cluster="embedded", job_id="1", account=award.project_code, user="alice",
        partition="h800", state="COMPLETED", gpus="h800=8", source="test",
        submit=timezone.now() - dt.timedelta(days=1), start=timezone.now() - dt.timedelta(days=1),
        elapsed_seconds=24 * 3600,
    )  # fmt: skip
    grantee = logged_in(applicant).get(f"/billing/awards/{award.pk}/usage/").context["credit"]
    (listed,) = logged_in(secretariat).get("/billing/credit/").context["rows"]
    assert grantee.runs_out is not None
    assert grantee.runs_out == listed.runs_out > today
