"""The statements list through aisc.web.lists: sorted by any figure, filtered by project or
organisation and by period, paged; money as HK$ with thousands separators and cents."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from aisc.web.accounts.models import Role, User
from aisc.web.billing.models import BillingPeriod, Statement

pytestmark = pytest.mark.django_db
Run = Callable[..., Any]


def projects(html: str) -> list[str]:
    table = html[html.index('<table id="statements">') : html.index("</table>")]
    return re.findall(r'/billing/statements/\d+/">([^<]+)</a>', table)


def test_finance_sorts_the_statements_by_what_is_due_and_reads_hk_dollars(
    closed: BillingPeriod, make_user: Callable[..., User], client: Client
) -> None:
    client.force_login(make_user(Role.FINANCE))
    rows = Statement.objects.filter(period=closed)
    by_due = [s.project_code for s in sorted(rows, key=lambda s: s.due, reverse=True)]
    page = client.get("/billing/statements/?sort=-due").content.decode()
    assert projects(page) == by_due
    assert 'aria-sort="descending"><a href="?sort=due" class="sort">' in page
    largest = max(rows, key=lambda s: s.due)
    assert f"HK${largest.due:,.2f}" in page
    assert projects(client.get("/billing/statements/?sort=due").content.decode()) == by_due[::-1]


def test_finance_filters_the_statements_by_project_and_by_period(
    closed: BillingPeriod, make_user: Callable[..., User], client: Client
) -> None:
    client.force_login(make_user(Role.FINANCE))
    assert projects(client.get("/billing/statements/?q=tenant").content.decode()) == ["tenant-kc"]
    # A period with no statements lists none (and is no error).
    assert projects(client.get("/billing/statements/?period=1999-01").content.decode()) == []
    march = client.get("/billing/statements/?period=2026-03").content.decode()
    assert '<option value="2026-03" selected>' in march
    assert len(projects(march)) == Statement.objects.filter(period=closed).count()


def test_an_empty_list_says_whether_the_filters_or_the_centre_left_it_empty(
    make_user: Callable[..., User], client: Client
) -> None:
    client.force_login(make_user(Role.FINANCE))
    assert "No statements yet." in client.get("/billing/statements/").content.decode()
    filtered = client.get("/billing/statements/?q=nothing-like-it").content.decode()
    assert "Nothing matches these filters." in filtered
    assert "No statements yet." not in filtered
    client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/"})
    chinese = client.get("/billing/statements/?q=nothing-like-it").content.decode()
    assert "沒有符合篩選條件的項目。" in chinese
