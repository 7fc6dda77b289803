"""Money on the finance pages reads as Hong Kong dollars grouped by thousands, in English and
in zh-Hant alike (the `money` filter), while the exact figure stays in data-value for scripts."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from aisc.web.accounts.models import Role, User
from aisc.web.billing import receivables
from aisc.web.billing.models import BillingPeriod
from aisc.web.portal.templatetags.figures import money

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(closed: BillingPeriod, make_user: Callable[..., User]) -> Client:
    client = Client()
    client.force_login(make_user(Role.FINANCE))
    return client


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_the_fund_page_shows_each_figure_as_grouped_hong_kong_dollars(
    finance: Client, language: str
) -> None:
    finance.cookies["django_language"] = language
    page = finance.get(reverse("billing:fund")).content.decode()
    [exact] = re.findall(r'data-figure="disbursed" data-value="([-\d.]+)">([^<]+)<', page)
    assert Decimal(exact[0]) > 0
    assert exact[1] == money(exact[0])
    assert re.fullmatch(r"HK\$\d{1,3}(,\d{3})*\.\d{2}", exact[1])
    remaining = re.findall(r'data-figure="remaining" data-value="[-\d.]+">([^<]+)<', page)
    assert remaining
    assert all(r.startswith(("HK$", "-HK$")) for r in remaining)


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_the_receivables_page_shows_what_is_owed_as_money(finance: Client, language: str) -> None:
    finance.cookies["django_language"] = language
    page = finance.get(reverse("billing:receivables")).content.decode()
    debtors, overall = receivables.debtors(timezone.localdate())
    assert debtors, "the closed period left something owed"
    for debtor in debtors:
        assert f'<td class="num" data-total>{money(debtor.total)}</td>' in page
    for bucket, amount in overall.items():
        assert f'data-overall="{escape(bucket)}">{money(amount)}</td>' in page
