import csv
import io
import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from typer.testing import CliRunner

from aisc.cli.main import app
from aisc.web.accounts.models import Organisation, Role, User
from aisc.web.billing.ingest.metered import used_gpu_hours, used_gpu_hours_of
from aisc.web.billing.models import BillingPeriod, Statement, StatementLine

pytestmark = pytest.mark.django_db
Run = Callable[..., Any]
Login = Callable[[User], Client]


def totals_in(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-total="(\w+)" data-value="([-\d.]+)"', html))


def test_the_statement_pages_show_the_totals_that_billing_show_json_prints(
    closed: BillingPeriod, make_user: Callable[..., User], logged_in: Login
) -> None:
    result = CliRunner().invoke(app, ["billing", "show", "2026-03", "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    client = logged_in(make_user(Role.FINANCE))
    for project in printed["projects"]:
        statement = Statement.objects.get(period=closed, project_code=project["project"])
        page = client.get(reverse("billing:statement", args=[statement.pk]))
        assert page.status_code == 200
        shown = totals_in(page.content.decode())
        assert shown == {k: project[k] for k in ("list_amount", "premium", "subsidy", "due")}
    period_page = client.get(reverse("billing:period", args=["2026-03"])).content.decode()
    assert totals_in(period_page) == {
        k: printed["total"][k] for k in ("list_amount", "premium", "subsidy", "due")
    }


def test_the_fund_dashboards_disbursed_equals_the_sum_of_the_statements_subsidy_lines(
    closed: BillingPeriod, make_user: Callable[..., User], logged_in: Login
) -> None:
    page = logged_in(make_user(Role.FINANCE)).get(reverse("billing:fund")).content.decode()
    [disbursed] = re.findall(r'data-figure="disbursed" data-value="([-\d.]+)"', page)
    lines = StatementLine.objects.values_list("subsidy_cents", flat=True)
    assert Decimal(disbursed) == Decimal(sum(lines)) / 100
    assert Decimal(disbursed) > 0
    assert "<svg" in page


def test_a_grantee_sees_only_its_own_organisations_statements(
    closed: BillingPeriod,
    make_user: Callable[..., User],
    logged_in: Login,
    orgs: tuple[Organisation, Organisation],
) -> None:
    client = logged_in(make_user(org=orgs[0]))
    listing = client.get(reverse("billing:statements")).content.decode()
    assert "p2026a-001" in listing
    assert "tenant-kc" not in listing
    other = Statement.objects.get(project_code="tenant-kc")
    assert client.get(reverse("billing:statement", args=[other.pk])).status_code == 403
    assert client.get(reverse("billing:fund")).status_code == 403


def test_a_statement_comes_as_csv_and_as_a_pdf(
    closed: BillingPeriod, make_user: Callable[..., User], logged_in: Login
) -> None:
    client = logged_in(make_user(Role.FINANCE))
    statement = Statement.objects.get(project_code="p2026a-001")
    csv_text = client.get(reverse("billing:statement-csv", args=[statement.pk])).content.decode()
    assert csv_text.startswith("period,project,organisation,chip")
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert len(rows) == 2
    assert sum(Decimal(r["list_amount"]) for r in rows) == statement.list_amount
    assert sum(Decimal(r["premium"]) for r in rows) == statement.premium > 0
    assert sum(Decimal(r["due"]) for r in rows) == statement.due
    pdf = client.get(reverse("billing:statement-pdf", args=[statement.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_a_statement_page_in_traditional_chinese(
    closed: BillingPeriod, make_user: Callable[..., User], logged_in: Login
) -> None:
    client = logged_in(make_user(Role.FINANCE))
    client.cookies["django_language"] = "zh-hant"
    statement = Statement.objects.get(project_code="p2026a-001")
    page = client.get(reverse("billing:statement", args=[statement.pk])).content.decode()
    assert "GPU" in page
    assert 'lang="zh-Hant"' in page


def test_finance_exports_a_closed_period_as_csv_and_json(
    closed: BillingPeriod, make_user: Callable[..., User], logged_in: Login
) -> None:
    client = logged_in(make_user(Role.FINANCE))
    as_json = json.loads(
        client.get(reverse("billing:period-export", args=["2026-03", "json"])).content
    )
    assert as_json["total"]["list_amount"] == str(
        sum(s.list_amount for s in Statement.objects.all())
    )
    as_csv = client.get(reverse("billing:period-export", args=["2026-03", "csv"])).content.decode()
    assert len(as_csv.strip().splitlines()) == 1 + StatementLine.objects.count()
    assert client.get(reverse("billing:period-export", args=["2026-03", "xml"])).status_code == 404


def test_receivables_and_subsidy_history_show_each_organisation(
    closed: BillingPeriod,
    make_user: Callable[..., User],
    logged_in: Login,
    orgs: tuple[Organisation, Organisation],
) -> None:
    client = logged_in(make_user(Role.FINANCE))
    receivables = client.get(reverse("billing:receivables")).content.decode()
    assert "Harbour Lab" in receivables
    assert "Kowloon Cloud Ltd" in receivables
    history = client.get(reverse("billing:history")).content.decode()
    grant = Statement.objects.get(project_code="p2026a-001")
    assert f"HK${grant.subsidy}" in history
    assert "Kowloon Cloud Ltd" not in history  # commercial tenants receive no subsidy


def test_closing_from_the_portal_refuses_a_future_month_and_keeps_everything(
    make_user: Callable[..., User], logged_in: Login
) -> None:
    client = logged_in(make_user(Role.FINANCE))
    response = client.post(reverse("billing:period-close"), {"month": "2099-01"}, follow=True)
    assert "has not ended yet" in response.content.decode()
    response = client.post(reverse("billing:period-close"), {"month": "2999-01"}, follow=True)
    assert "from 1970-01 to 2100-12" in response.content.decode()
    assert not BillingPeriod.objects.filter(state="closed").exists()
    response = client.post(reverse("billing:period-close"), {"month": "2026-01"}, follow=True)
    assert "Period 2026-01 is closed." in response.content.decode()
    assert BillingPeriod.objects.get(month="2026-01").state == "closed"


def test_only_finance_may_close_a_period(make_user: Callable[..., User], logged_in: Login) -> None:
    client = logged_in(make_user(Role.OPERATOR))
    assert client.post(reverse("billing:period-close"), {"month": "2026-01"}).status_code == 403


def test_used_gpu_hours_per_chip_for_the_allocation_pages(closed: BillingPeriod) -> None:
    assert used_gpu_hours("p2026a-001") == {"h800": Decimal("10.6667")}
    assert used_gpu_hours("tenant-kc") == {"h100": Decimal("3.0000")}
    assert used_gpu_hours("nobody") == {}


def test_used_gpu_hours_of_several_projects_comes_from_one_query(
    closed: BillingPeriod, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        used = used_gpu_hours_of(["p2026a-001", "tenant-kc", "nobody"])
    assert used == {
        "p2026a-001": {"h800": Decimal("10.6667")},
        "tenant-kc": {"h100": Decimal("3.0000")},
    }


def test_the_api_gives_period_figures_and_the_fund_to_finance(
    closed: BillingPeriod, make_user: Callable[..., User], api_client: Callable[[User], Client]
) -> None:
    client = api_client(make_user(Role.FINANCE))
    period = client.get("/api/v1/billing/periods/2026-03").json()
    assert set(period["total"]) == {"list_amount", "premium", "subsidy", "due", "gpu_hours"}
    fund = client.get("/api/v1/billing/fund").json()
    assert fund["schemes"][0]["disbursed"] == period["total"]["subsidy"]
    statement = Statement.objects.get(project_code="p2026a-001")
    assert client.get(f"/api/v1/billing/statements/{statement.pk}").json()["due"] == str(
        statement.due
    )
    usage = client.get("/api/v1/billing/usage/p2026a-001").json()
    assert usage["gpu_hours"] == {"h800": "10.6667"}
    assert client.get("/api/v1/billing/periods").json()["periods"][0]["state"] == "closed"


def test_the_api_hides_other_organisations_usage(
    closed: BillingPeriod,
    make_user: Callable[..., User],
    api_client: Callable[[User], Client],
    orgs: tuple[Organisation, Organisation],
) -> None:
    client = api_client(make_user(org=orgs[0]))
    assert client.get("/api/v1/billing/usage/tenant-kc").status_code == 404
    assert client.get("/api/v1/billing/usage/p2026a-001").status_code == 200
    assert client.get("/api/v1/billing/fund").status_code == 403


def test_closing_a_period_first_shows_what_closing_does_and_changes_nothing(
    make_user: Callable[..., User], logged_in: Login
) -> None:
    client = logged_in(make_user(Role.FINANCE))
    page = client.get(reverse("billing:period-close"), {"month": "2026-01"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Closing 2026-01 rates its unbilled usage" in text
    assert 'name="month" value="2026-01"' in text
    assert not BillingPeriod.objects.filter(month="2026-01", state="closed").exists()
