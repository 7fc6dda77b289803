"""Premiums on statements: a partition's premium for usage in it, the dedicated premium for a
project whose allocation holds dedicated nodes. Each is its own amount on the lines (HTML, PDF,
CSV, `billing close --json`), charged to the grantee in full; the subsidy covers list amounts only.

Prices (conftest): H800 HK$20 per GPU-hour, partition h800-ib +10 %, dedicated nodes +25 %.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from typer.testing import CliRunner

from aisc.cli.main import app
from aisc.core.ledger import accounts
from aisc.web.accounts.models import Organisation, Role, User
from aisc.web.allocations.models import Allocation
from aisc.web.billing.closing.figures import period_figures
from aisc.web.billing.ledger import book
from aisc.web.billing.models import BillingPeriod, Statement, StatementLine
from aisc.web.billing.projects import AllocationDirectory, StaticDirectory
from aisc.web.catalogue.models import Cluster, Partition, PartitionPremium, RateCard
from tests.web.billing.conftest import directory_of, sacct_line

pytestmark = pytest.mark.django_db
D = Decimal
Run = Callable[..., Any]


@pytest.fixture
def directory(orgs: tuple[Organisation, Organisation]) -> StaticDirectory:
    """The conftest's projects, the subsidised one on dedicated nodes."""
    return directory_of(orgs, dedicated=True)


@pytest.fixture
def closed(ingest_text: Run, close: Run) -> BillingPeriod:
    ingest_text(
        # 8 GPU-h: list 160.00; dedicated premium 25 % = HK$5.00/h: 40.00
        sacct_line("1", elapsed="01:00:00"),
        # 4 GPUs x 20 min = 4,800 GPU-s: list 26.67; premium 10 % + 25 % = HK$7.00/h: 9.33
        sacct_line("2", elapsed="00:20:00", partition="h800-ib", gpus="gres/gpu:h800=4"),
        # a commercial tenant, not dedicated: 2 H100 GPU-h at HK$22, no premium
        sacct_line("3", account="tenant-kc", gpus="gres/gpu:h100=2,gres/gpu=2"),
    )
    period: BillingPeriod = close("2026-03")
    return period


def test_each_line_shows_its_premium_and_the_subsidy_covers_only_the_list_amount(
    closed: BillingPeriod,
) -> None:
    figures = period_figures(closed, with_lines=True)
    grant = next(p for p in figures["projects"] if p["project"] == "p2026a-001")
    lines = [
        {k: ln[k] for k in ("partition", "unit_price", "premium_price", "list_amount", "premium",
                            "subsidy", "due")}
        for ln in grant["lines"]
    ]  # fmt: skip
    assert lines == [
        {
            "partition": "h800",
            "unit_price": "20.0000",
            "premium_price": "5.0000",
            "list_amount": "160.00",
            "premium": "40.00",
            "subsidy": "112.00",  # 70 % of 160.00
            "due": "88.00",  # 48.00 + the premium
        },
        {
            "partition": "h800-ib",
            "unit_price": "20.0000",
            "premium_price": "7.0000",
            "list_amount": "26.67",
            "premium": "9.33",
            "subsidy": "18.67",  # 70 % of 26.67 = 18.669
            "due": "17.33",  # 8.00 + 9.33
        },
    ]
    assert {k: grant[k] for k in ("list_amount", "premium", "subsidy", "due", "gpu_hours")} == {
        "list_amount": "186.67",
        "premium": "49.33",
        "subsidy": "130.67",
        "due": "105.33",
        "gpu_hours": "9.3333",
    }
    assert figures["total"] == {
        "list_amount": "230.67",
        "premium": "49.33",
        "subsidy": "130.67",
        "due": "149.33",
        "gpu_hours": "11.3333",
    }


def test_the_ledger_credits_the_premium_to_revenue_and_bills_it_to_the_grantee(
    closed: BillingPeriod, orgs: tuple[Organisation, Organisation]
) -> None:
    balances = book.balances()
    assert sum(balances.values()) == 0
    assert balances[accounts.REVENUE] == D("-280.00")  # 230.67 list + 49.33 premium
    assert balances[accounts.disbursed("aiss", "c2026a", "p2026a-001")] == D("130.67")
    assert balances[accounts.receivable(f"org-{orgs[0].pk}")] == D("105.33")
    assert balances[accounts.receivable(f"org-{orgs[1].pk}")] == D("44.00")


def test_billing_show_json_prints_the_premium_beside_the_required_keys(
    closed: BillingPeriod,
) -> None:
    result = CliRunner().invoke(app, ["billing", "show", "2026-03", "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert set(printed["total"]) == {"list_amount", "premium", "subsidy", "due", "gpu_hours"}
    assert printed["total"]["premium"] == "49.33"
    text = CliRunner().invoke(app, ["billing", "show", "2026-03"])
    assert "premium HK$" in text.output
    assert "49.33" in text.output


def test_the_statement_page_csv_and_pdf_show_the_premium(
    closed: BillingPeriod, make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(make_user(Role.FINANCE))
    statement = Statement.objects.get(project_code="p2026a-001")
    page = client.get(reverse("billing:statement", args=[statement.pk])).content.decode()
    assert 'data-total="premium" data-value="49.33">HK$49.33<' in page
    assert "7.0000 per GPU-hour" in page
    assert "are not subsidised" in page
    csv_text = client.get(reverse("billing:statement-csv", args=[statement.pk])).content.decode()
    header, first, second = csv_text.strip().splitlines()
    assert header.split(",")[5:11] == [
        "unit_price",
        "premium_price",
        "late",
        "gpu_hours",
        "list_amount",
        "premium",
    ]
    assert first.endswith(",20.0000,5.0000,False,8.0000,160.00,40.00,112.00,88.00")
    assert second.endswith(",20.0000,7.0000,False,1.3333,26.67,9.33,18.67,17.33")
    pdf = client.get(reverse("billing:statement-pdf", args=[statement.pk]))
    assert pdf.content.startswith(b"%PDF")
    tenant = Statement.objects.get(project_code="tenant-kc")
    plain = client.get(reverse("billing:statement", args=[tenant.pk])).content.decode()
    assert 'data-total="premium" data-value="0.00">HK$0.00<' in plain
    assert "are not subsidised" not in plain


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE billing_statementline SET premium_cents = 0",
        "DELETE FROM billing_statementline",
        "UPDATE billing_statement SET premium_cents = 0",
        "DELETE FROM billing_statement",
    ],
)
def test_statements_with_their_new_premium_columns_stay_frozen(
    closed: BillingPeriod, sql: str
) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert StatementLine.objects.filter(premium_cents=4000).count() == 1


# ------------------------------------------------------------- the catalogue and allocations


@pytest.fixture
def catalogue() -> None:
    """An H800 card at HK$20 with a 10 % dedicated premium, and partition h800-ib at +25 %."""
    card = RateCard.objects.create(
        chip_id="h800", valid_from=dt.date(2026, 1, 1), price=20, dedicated_premium=D("0.10")
    )
    cluster = Cluster.objects.create(code="aisc-test", name="AISC")
    ib = Partition.objects.create(cluster=cluster, name="h800-ib")
    PartitionPremium.objects.create(rate_card=card, partition=ib, premium=D("0.25"))


def tenant(org: Organisation, code: str, nodes: list[str]) -> Allocation:
    return Allocation.objects.create(
        project_code=code,
        organisation=org,
        parent_account="commercial",
        subsidised=False,
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 12, 31),
        dedicated_nodes=nodes,
    )


def test_a_project_whose_allocation_holds_dedicated_nodes_is_billed_as_dedicated(
    orgs: tuple[Organisation, Organisation],
) -> None:
    tenant(orgs[1], "tenant-dd", ["h800-02"])
    tenant(orgs[1], "tenant-sh", [])
    assert AllocationDirectory().get("tenant-dd").dedicated is True
    assert AllocationDirectory().get("tenant-sh").dedicated is False


@pytest.mark.usefixtures("catalogue")
def test_the_cli_bills_catalogue_premiums_to_the_cent(
    orgs: tuple[Organisation, Organisation], tmp_path: Path
) -> None:
    tenant(orgs[1], "tenant-dd", ["h800-02"])
    tenant(orgs[1], "tenant-sh", [])
    header = "JobID|Cluster|Account|User|Partition|State|Submit|Start|Elapsed|AllocTRES"
    path = tmp_path / "sacct.txt"
    path.write_text(
        "\n".join(
            [
                header,
                # dedicated, 8 GPU-h on h800: 160.00 + 10 % = 16.00
                sacct_line("1", account="tenant-dd"),
                # dedicated, 3 GPU-h on h800-ib: 60.00 + (10 % + 25 %) = 21.00
                sacct_line("2", account="tenant-dd", partition="h800-ib", elapsed="01:30:00",
                           gpus="gres/gpu:h800=2"),
                # shared, 1 GPU x 7 min on h800-ib: 2.33 + 25 % of HK$20/h = 0.58
                sacct_line("3", account="tenant-sh", partition="h800-ib", elapsed="00:07:00",
                           gpus="gres/gpu:h800=1"),
            ]
        )
    )  # fmt: skip
    runner = CliRunner()
    ingested = runner.invoke(app, ["usage", "ingest", "--sacct-file", str(path), "--json"])
    assert json.loads(ingested.output)["inserted"] == 3, ingested.output
    closed = runner.invoke(app, ["billing", "close", "2026-03", "--json"])
    assert closed.exit_code == 0, closed.output
    figures = json.loads(closed.output)
    by_project = {p["project"]: p for p in figures["projects"]}
    picked = ("list_amount", "premium", "subsidy", "due", "gpu_hours")
    assert {k: by_project["tenant-dd"][k] for k in picked} == {
        "list_amount": "220.00",
        "premium": "37.00",
        "subsidy": "0.00",
        "due": "257.00",
        "gpu_hours": "11.0000",
    }
    assert {k: by_project["tenant-sh"][k] for k in picked} == {
        "list_amount": "2.33",
        "premium": "0.58",
        "subsidy": "0.00",
        "due": "2.91",
        "gpu_hours": "0.1167",
    }
    assert {k: figures["total"][k] for k in ("list_amount", "premium", "due")} == {
        "list_amount": "222.33",
        "premium": "37.58",
        "due": "259.91",
    }
