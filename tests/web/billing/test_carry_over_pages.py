"""A release's carry-over as people see it: the allocation's page and the grantee's usage page
say the tranche, the percent, the hours carried and written off (in English and Chinese); the
secretariat's award budgets count them with the written-off subsidy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from aisc.web.accounts.models import User
from aisc.web.allocations.models import Allocation
from aisc.web.billing.models import UsageTotal
from aisc.web.grants.actions.awards import release_tranche
from aisc.web.grants.models import Award, Scheme

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("inventory", "price")]


@pytest.fixture
def carried(award: Award, committee: User) -> Allocation:
    """Tranche 2 released under a scheme carrying 50 %, after 100 GPU-hours of use."""
    Scheme.objects.filter(pk=award.application.call.scheme_id).update(
        carry_over_percent=Decimal(50)
    )
    allocation = Allocation.objects.get(award=award)
    allocation.status = "active"
    allocation.save(update_fields=["status"])
    UsageTotal.objects.create(project_code=award.project_code, chip="h800", gpu_seconds=3600 * 100)
    at = timezone.make_aware(dt.datetime.combine(award.start_date, dt.time(12)))
    release_tranche(committee, award.tranches.get(seq=2), at)
    return allocation


def half(award: Award) -> Decimal:
    return (award.tranches.get(seq=1).gpu_hours - 100) / 2


def test_the_allocations_page_says_the_tranche_the_percent_and_the_hours(
    carried: Allocation, award: Award, applicant: User, logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(applicant)
    html = client.get(f"/allocations/{carried.project_code}/").content.decode()
    assert 'data-row="carry-over" data-tranche="2"' in html
    assert f"Tranche 2: 50% of the unused GPU-hours carried over ({half(award):,.2f})" in html
    assert "not carried into tranche 2" in html  # the budget line that took the hours out
    zh = client.get(f"/allocations/{carried.project_code}/", HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert "第 2 期：未用 GPU 時數的 50% 已結轉" in zh.content.decode()


def test_the_grantees_usage_page_lists_the_carry_over_and_the_write_off(
    carried: Allocation, applicant: User, logged_in: Callable[[User], Client]
) -> None:
    page = logged_in(applicant).get(f"/billing/awards/{carried.award_id}/usage/")
    html = page.content.decode()
    assert "Carried over at a tranche release (tranche 2, 50% carried)" in html
    assert "unused GPU-hours expired" in html
    assert page.context["credit"].written_off > 0


def test_the_award_budgets_count_the_hours_carried_expired_and_written_off(
    carried: Allocation, award: Award, secretariat: User, logged_in: Callable[[User], Client]
) -> None:
    page = logged_in(secretariat).get("/billing/credit/")
    (row,) = page.context["rows"]
    assert (row.carried, row.expired) == (half(award), half(award))
    assert row.written_off == round(half(award) * award.list_price * award.subsidy_rate, 2)
    assert 'data-figure="carried"' in page.content.decode()
