"""Who opens which billing page, role by role, on a closed month with a grantee's and a tenant's
statement: finance and auditors read everything, the fund's stewards read the fund, operators
read statements, members read their own organisation's, and everyone else gets 403. The list of
statements answers everyone, filtered to what each may read. Each matrix walks every role over
one closed month (closing one per role would cost the stage a second each)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from aisc.web.accounts.models import Organisation, Role, User
from aisc.web.billing.models import BillingPeriod, Statement
from tests.web.billing.conftest import sacct_line

pytestmark = pytest.mark.django_db
Run = Callable[..., Any]
# lab: a member of the subsidised grantee's organisation; tenant: of the commercial tenant's.
WHO = ("lab", "tenant", *Role.ALL)
READS_THE_LABS_STATEMENT = {"lab", Role.FINANCE, Role.OPERATOR, Role.AUDITOR, Role.ADMIN}
READS_THE_FUND = {Role.FINANCE, Role.SECRETARIAT, Role.COMMITTEE, Role.AUDITOR, Role.ADMIN}
READS_RECEIVABLES_AND_EXPORTS = {Role.FINANCE, Role.AUDITOR, Role.ADMIN}


@pytest.fixture
def closed(ingest_text: Run, close: Run) -> BillingPeriod:
    ingest_text(sacct_line("1"), sacct_line("2", account="tenant-kc"))
    period: BillingPeriod = close("2026-03")
    return period


@pytest.fixture
def clients(
    make_user: Callable[..., User], orgs: tuple[Organisation, Organisation]
) -> dict[str, Client]:
    """One signed-in client per role, and one per organisation's member."""
    result = {}
    for who in WHO:
        if who in ("lab", "tenant"):
            user = make_user(org=orgs[0] if who == "lab" else orgs[1])
        else:
            user = make_user(who)
        result[who] = Client()
        result[who].force_login(user)
    return result


def statuses(clients: dict[str, Client], url: str) -> dict[str, int]:
    return {who: client.get(url).status_code for who, client in clients.items()}


def expected(allowed: set[str]) -> dict[str, int]:
    return {who: 200 if who in allowed else 403 for who in WHO}


def test_the_grantees_statement_opens_as_a_page_and_a_csv_only_for_its_readers(
    closed: BillingPeriod, clients: dict[str, Client]
) -> None:
    statement = Statement.objects.get(project_code="p2026a-001")
    for name in ("billing:statement", "billing:statement-csv"):
        url = reverse(name, args=[statement.pk])
        assert statuses(clients, url) == expected(READS_THE_LABS_STATEMENT), name


def test_the_pdf_shares_the_statements_check_and_refuses_the_others(
    closed: BillingPeriod, clients: dict[str, Client]
) -> None:
    # Rendering a PDF is slow: only the refusals are fetched here (test_views reads one whole).
    url = reverse(
        "billing:statement-pdf", args=[Statement.objects.get(project_code="p2026a-001").pk]
    )
    refused = {who: c for who, c in clients.items() if who not in READS_THE_LABS_STATEMENT}
    assert set(refused) >= {"tenant", Role.SECRETARIAT, Role.REVIEWER}
    assert set(statuses(refused, url).values()) == {403}


def test_the_fund_pages_open_only_for_finance_the_secretariat_the_committee_and_auditors(
    closed: BillingPeriod, clients: dict[str, Client]
) -> None:
    for url in (
        reverse("billing:fund"),
        reverse("billing:periods"),
        reverse("billing:period", args=["2026-03"]),
        reverse("billing:history"),
    ):
        assert statuses(clients, url) == expected(READS_THE_FUND), url


def test_receivables_and_exports_open_only_for_finance_and_auditors(
    closed: BillingPeriod, clients: dict[str, Client]
) -> None:
    for url in (
        reverse("billing:receivables"),
        reverse("billing:period-export", args=["2026-03", "csv"]),
    ):
        assert statuses(clients, url) == expected(READS_RECEIVABLES_AND_EXPORTS), url


def test_the_periods_page_links_the_exports_only_for_those_who_may_open_them(
    closed: BillingPeriod, clients: dict[str, Client]
) -> None:
    export = reverse("billing:period-export", args=["2026-03", "csv"])
    for who in READS_THE_FUND:
        page = clients[who].get(reverse("billing:periods")).content.decode()
        assert (f'href="{export}"' in page) is (who in READS_RECEIVABLES_AND_EXPORTS), who


def test_nobody_but_finance_closes_a_period_not_even_an_auditor(clients: dict[str, Client]) -> None:
    url = reverse("billing:period-close")
    answers = {
        who: client.post(url, {"month": "2026-01"}).status_code
        for who, client in clients.items()
        if who not in (Role.FINANCE, Role.ADMIN)
    }
    assert set(answers.values()) == {403}
    assert not BillingPeriod.objects.exists()


def test_the_list_of_statements_shows_each_only_what_they_may_read(
    closed: BillingPeriod, clients: dict[str, Client]
) -> None:
    both = {"p2026a-001", "tenant-kc"}
    listed = {}
    for who, client in clients.items():
        page = client.get(reverse("billing:statements"))
        assert page.status_code == 200
        listed[who] = {s.project_code for s in page.context["listed"].rows}
    assert listed == {
        "lab": {"p2026a-001"},
        "tenant": {"tenant-kc"},
        **dict.fromkeys((Role.FINANCE, Role.OPERATOR, Role.AUDITOR, Role.ADMIN), both),
        **{role: set() for role in (Role.SECRETARIAT, Role.COMMITTEE, Role.REVIEWER)},
    }


def test_finance_narrows_the_list_to_one_period(
    closed: BillingPeriod, clients: dict[str, Client]
) -> None:
    finance = clients[Role.FINANCE]
    march = finance.get(reverse("billing:statements"), {"period": "2026-03"})
    assert {s.project_code for s in march.context["listed"].rows} == {"p2026a-001", "tenant-kc"}
    february = finance.get(reverse("billing:statements"), {"period": "2026-02"})
    assert list(february.context["listed"].rows) == []
    assert february.context["listed"].values["period"] == "2026-02"
