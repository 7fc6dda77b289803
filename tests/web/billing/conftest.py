"""Fixtures of billing: a price book, a directory of projects, sacct text, a frozen clock."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from aisc.adapters.slurm.usage import FIELDS, parse_sacct
from aisc.core.billing.split import Terms
from aisc.core.catalogue.rates import RateSpan
from aisc.core.clock import FrozenClock
from aisc.core.ledger.flows import AwardRef
from aisc.core.metering.split import Month
from aisc.web.accounts.models import Organisation
from aisc.web.billing import actions
from aisc.web.billing.ingest.batches import IngestReport, source_key
from aisc.web.billing.models import BillingPeriod
from aisc.web.billing.prices import SpanPrices
from aisc.web.billing.projects import Project, StaticDirectory

HK = zoneinfo.ZoneInfo("Asia/Hong_Kong")
HEADER = "|".join(FIELDS)


@pytest.fixture
def tz() -> zoneinfo.ZoneInfo:
    return HK


@pytest.fixture
def prices() -> SpanPrices:
    # HK$20 per H800 GPU-hour (domain-facts §4.2) until 2026-04-01, then HK$18; H100 HK$22.
    # Partition h800-ib carries a 10 % premium, dedicated nodes 25 %.
    return SpanPrices(
        [
            RateSpan("h800", dt.date(2026, 1, 1), dt.date(2026, 4, 1), Decimal("20")),
            RateSpan("h800", dt.date(2026, 4, 1), None, Decimal("18")),
            RateSpan("h100", dt.date(2026, 1, 1), None, Decimal("22")),
        ],
        premiums={"h800-ib": Decimal("0.10")},
        dedicated_premium=Decimal("0.25"),
    )


@pytest.fixture
def orgs(make_org: Callable[..., Organisation]) -> tuple[Organisation, Organisation]:
    return make_org(name_en="Harbour Lab"), make_org(name_en="Kowloon Cloud Ltd")


def directory_of(
    orgs: tuple[Organisation, Organisation], *, dedicated: bool = False
) -> StaticDirectory:
    """A subsidised grantee (optionally on dedicated nodes) and a commercial tenant."""
    lab, tenant = orgs
    return StaticDirectory(
        [
            Project(
                "p2026a-001",
                lab.pk,
                Terms(Decimal("0.70"), Decimal("1000.00")),
                AwardRef("aiss", "c2026a", "p2026a-001"),
                released_gpu_hours=Decimal("100"),
                dedicated=dedicated,
            ),
            Project("tenant-kc", tenant.pk, None, None),
        ]
    )


@pytest.fixture
def directory(orgs: tuple[Organisation, Organisation]) -> StaticDirectory:
    return directory_of(orgs)


def sacct_line(
    job: str,
    account: str = "p2026a-001",
    start: str = "2026-03-02T10:00:00",
    elapsed: str = "01:00:00",
    state: str = "COMPLETED",
    gpus: str = "gres/gpu:h800=8,gres/gpu=8",
    partition: str = "h800",
) -> str:
    submit = start
    return f"{job}|aisc|{account}|alice|{partition}|{state}|{submit}|{start}|{elapsed}|{gpus}"


@pytest.fixture
def ingest_text(directory: StaticDirectory, prices: SpanPrices) -> Callable[..., IngestReport]:
    def run(*lines: str, **kwargs: Any) -> IngestReport:
        text = "\n".join([HEADER, *lines])
        parsed = parse_sacct(text, cluster="aisc", tz=HK)
        source = source_key("test", text)
        return actions.do_ingest(
            parsed, source, directory=directory, prices=prices, tz=HK, **kwargs
        )

    return run


@pytest.fixture
def close(directory: StaticDirectory, prices: SpanPrices) -> Callable[..., Any]:
    def run(month: str, now: dt.datetime | None = None) -> Any:
        clock = FrozenClock(now or dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
        return actions.do_close_period(
            Month.parse(month), directory=directory, prices=prices, tz=HK, clock=clock
        )

    return run


@pytest.fixture
def closed(ingest_text: Callable[..., IngestReport], close: Callable[..., Any]) -> BillingPeriod:
    """March 2026 closed over three jobs: two of p2026a-001 (one on h800-ib) and one of
    tenant-kc on H100s. A module that needs another month defines its own `closed`."""
    ingest_text(
        sacct_line("1", elapsed="01:00:00"),
        sacct_line("2", elapsed="00:20:00", partition="h800-ib"),
        sacct_line("3", account="tenant-kc", gpus="gres/gpu:h100=3,gres/gpu=3"),
    )
    period: BillingPeriod = close("2026-03")
    return period
