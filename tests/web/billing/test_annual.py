"""`aisc report annual` on the demo centre: its money equals the ledger for the same year, to the
cent; its CSV files say the same as its JSON; bad input is one line and a non-zero exit."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Sum
from typer.testing import CliRunner

from aisc.cli.main import app
from aisc.web.billing.models import BillingPeriod, LedgerPosting
from aisc.web.billing.money import from_cents
from aisc.web.grants.models import Award, Output


def ledger_disbursed(year: int) -> dict[str, Decimal]:
    """Per month of use: what the ledger's billing entries of that month moved into the
    `disbursed:` accounts (keys are bill:YYYY-MM:project:line)."""
    cents: dict[str, int] = defaultdict(int)
    rows = (
        LedgerPosting.objects.filter(
            account__startswith="disbursed:", entry__key__startswith=f"bill:{year}-"
        )
        .values("entry__key")
        .annotate(total=Sum("amount_cents"))
    )
    for row in rows:
        cents[row["entry__key"].split(":")[1]] += row["total"]
    return {month: from_cents(c) for month, c in sorted(cents.items())}


def report(*args: str) -> Any:
    return CliRunner().invoke(app, ["report", "annual", *args])


def read_csv(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


@pytest.mark.django_db
@pytest.mark.slow
@pytest.mark.usefixtures("demo")
def test_the_demo_centres_annual_report_equals_the_ledger_to_the_cent(tmp_path: Path) -> None:
    year = int(BillingPeriod.objects.filter(state="closed").first().month[:4])  # type: ignore[union-attr]
    out = tmp_path / "annual"
    result = report("--year", str(year), "--json", "--out", str(out))
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["year"] == year

    ledger = ledger_disbursed(year)
    assert ledger, "the demo has billed subsidy in its closed periods"
    by_month = {m: Decimal(v) for m, v in figures["subsidy_disbursed"]["by_month"].items()}
    assert {m: v for m, v in by_month.items() if v} == {m: v for m, v in ledger.items() if v}
    assert Decimal(figures["subsidy_disbursed"]["total"]) == sum(ledger.values())
    assert Decimal(figures["subsidy_disbursed"]["total"]) > 0

    awards = Award.objects.filter(
        created_at__year=year, status__in=("approved", "active", "completed")
    )
    # What was committed; expired hours' write-offs leave the commitment later and are
    # reported apart (subsidy_expired).
    committed = (
        LedgerPosting.objects.filter(
            account__startswith="commitment:",
            account__regex=r"/(" + "|".join(a.project_code for a in awards) + r")$",
        )
        .exclude(entry__key__startswith="expiry:")
        .aggregate(total=Sum("amount_cents"))["total"]
    )
    assert Decimal(figures["subsidy_committed"]) == from_cents(committed)
    expired = LedgerPosting.objects.filter(
        account__startswith="expired:", entry__at__year=year
    ).aggregate(total=Sum("amount_cents"))["total"]
    assert Decimal(figures["subsidy_expired"]) == from_cents(expired or 0)
    assert figures["awards"]["count"] == awards.count() > 0

    recovered = LedgerPosting.objects.filter(
        account__startswith="disbursed:", entry__key__startswith="payment:", entry__at__year=year
    ).aggregate(total=Sum("amount_cents"))["total"]
    assert Decimal(figures["subsidy_recovered"]) == -from_cents(recovered or 0)
    declared = Output.objects.filter(created_at__year=year).values_list("kind", flat=True)
    assert figures["outputs"] == {k: list(declared).count(k) for k in sorted(set(declared))}
    received = sum(c["received"] for c in figures["applications"].values())
    approved = sum(c["approved"] for c in figures["applications"].values())
    assert received >= approved > 0
    assert all(Decimal(h) > 0 for h in figures["gpu_hours_used"].values())
    assert figures["gpu_hours_used"]

    assert read_csv(out / "subsidy_by_month.csv")[1:] == [
        [m, v] for m, v in figures["subsidy_disbursed"]["by_month"].items()
    ]
    summary = dict(read_csv(out / "summary.csv")[1:])
    assert summary["subsidy_disbursed_hkd"] == figures["subsidy_disbursed"]["total"]
    assert summary["subsidy_committed_hkd"] == figures["subsidy_committed"]
    applications = read_csv(out / "applications.csv")
    assert applications[0] == ["call", "received", "screened_out", "approved", "rejected"]
    assert len(applications) == 1 + len(figures["applications"])
    assert (out / "gpu_hours_used.csv").exists()

    text = report("--year", str(year))
    assert text.exit_code == 0
    assert f"Subsidy disbursed HK$ {figures['subsidy_disbursed']['total']}" in text.output


@pytest.mark.django_db
def test_a_year_without_activity_reports_zeros_and_empty_tables() -> None:
    result = report("--year", "1999", "--json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["applications"] == {}
    assert figures["awards"]["count"] == 0
    assert figures["subsidy_committed"] == "0.00"
    assert figures["subsidy_disbursed"] == {"total": "0.00", "by_month": {}}
    assert figures["gpu_hours_used"] == {}
    assert figures["outputs"] == {}


@pytest.mark.parametrize("year", ["1969", "2101"])
def test_a_year_outside_1970_to_2100_is_one_line_and_exit_2(year: str) -> None:
    result = report("--year", year)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"aisc: --year: must be between 1970 and 2100, not {year}"
    ]


def test_an_unwritable_out_directory_is_one_line_and_exit_2(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = report("--year", "2026", "--out", str(blocker / "annual"))
    assert result.exit_code == 2
    [line] = result.output.strip().splitlines()
    assert line.startswith(f"aisc: --out: cannot write into {blocker / 'annual'}")
