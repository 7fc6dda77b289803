"""The property the issue asks for: over random years of activity (random jobs, sizes, lengths,
partitions and months, some running across a month's end, subsidised and commercial), the annual
report's subsidy_disbursed equals the ledger's billing postings of the same year to the cent, per
month of use and in total, and the page shows the same figure."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Sum

from aisc.web.billing.annual import annual_report
from aisc.web.billing.ingest.batches import IngestReport
from aisc.web.billing.models import Statement
from aisc.web.billing.money import from_cents

from .conftest import sacct_line
from .test_annual import ledger_disbursed

pytestmark = pytest.mark.django_db
YEAR = 2026
ACCOUNTS = ("p2026a-001", "p2026a-001", "tenant-kc")  # two in three jobs subsidised


def random_jobs(rng: random.Random) -> tuple[list[str], list[str]]:
    """sacct lines of a random year, and the months they were closed in."""
    months = sorted(rng.sample(range(1, 12), rng.randint(1, 4)))
    lines: list[str] = []
    for month in months:
        for _ in range(rng.randint(1, 5)):
            # Some jobs start on the month's last evening and run into the next month.
            day, hour = (28, 20) if rng.random() < 0.3 else (rng.randint(1, 27), rng.randint(0, 23))
            minutes = rng.randint(1, 2000)
            account = rng.choice(ACCOUNTS)
            chip = "h100" if account == "tenant-kc" else "h800"
            gpus = rng.choice((1, 2, 4, 8))
            lines.append(
                sacct_line(
                    str(len(lines) + 1),
                    account=account,
                    start=f"{YEAR}-{month:02d}-{day:02d}T{hour:02d}:{rng.randint(0, 59):02d}:00",
                    elapsed=f"{minutes // 60:02d}:{minutes % 60:02d}:{rng.randint(0, 59):02d}",
                    gpus=f"gres/gpu:{chip}={gpus},gres/gpu={gpus}",
                    partition=rng.choice(("h800", "h800-ib")) if chip == "h800" else "h100",
                )
            )
    closed = sorted({f"{YEAR}-{m:02d}" for m in months} | {f"{YEAR}-{m + 1:02d}" for m in months})
    return lines, closed


@pytest.mark.parametrize("seed", range(4))
def test_the_annual_reports_subsidy_equals_the_ledger_over_a_random_year(
    seed: int, ingest_text: Callable[..., IngestReport], close: Callable[..., Any]
) -> None:
    rng = random.Random(seed)
    lines, months = random_jobs(rng)
    ingest_text(*lines)
    for month in months:
        close(month, dt.datetime(YEAR + 1, 2, 1, tzinfo=dt.UTC))
    report = annual_report(YEAR)
    by_month = {
        m: Decimal(v) for m, v in report["subsidy_disbursed"]["by_month"].items() if Decimal(v)
    }
    ledger = {m: v for m, v in ledger_disbursed(YEAR).items() if v}
    assert by_month == ledger
    assert Decimal(report["subsidy_disbursed"]["total"]) == sum(ledger.values(), Decimal(0))
    statements = Statement.objects.filter(period__month__startswith=f"{YEAR}-")
    assert Decimal(report["subsidy_disbursed"]["total"]) == from_cents(
        statements.aggregate(total=Sum("subsidy_cents"))["total"] or 0
    )
    subsidised = any("|p2026a-001|" in line for line in lines)
    assert (Decimal(report["subsidy_disbursed"]["total"]) > 0) == subsidised
    assert report["subsidy_recovered"] == "0.00"
    assert annual_report(YEAR - 1)["subsidy_disbursed"]["total"] == "0.00"
