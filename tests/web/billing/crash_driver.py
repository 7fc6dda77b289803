"""A real ingest (or close) in its own process, for the kill -9 test: `python -m` this module.

    python -m tests.web.billing.crash_driver ingest FILE BATCH
    python -m tests.web.billing.crash_driver figures MONTH

The database comes from AISC_DATABASE_URL. Projects and prices are fixed here, as in conftest.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
import zoneinfo
from decimal import Decimal

from aisc.core.billing.rating import UnitPrice

HK = zoneinfo.ZoneInfo("Asia/Hong_Kong")
# Seconds each price look-up waits: a fast, idle machine would otherwise finish the whole ingest
# before the test can kill it 20 times. It paces the real ingest; it changes none of its steps.
PACE = float(os.environ.get("AISC_CRASH_PACE", "0"))


class PacedPrices:
    def __init__(self, inner: object) -> None:
        self.inner = inner

    def price(self, chip: str, partition: str, day: dt.date, dedicated: bool = False) -> UnitPrice:
        time.sleep(PACE)
        result: UnitPrice = self.inner.price(chip, partition, day, dedicated)  # type: ignore[attr-defined]
        return result


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aisc.web.settings")
    import django

    django.setup()
    from aisc.adapters.slurm.usage import parse_sacct
    from aisc.core.billing.split import Terms
    from aisc.core.catalogue.rates import RateSpan
    from aisc.core.clock import FrozenClock
    from aisc.core.ledger.flows import AwardRef
    from aisc.core.metering.split import Month
    from aisc.web.billing import actions
    from aisc.web.billing.closing.figures import period_figures
    from aisc.web.billing.ingest.batches import source_key
    from aisc.web.billing.prices import SpanPrices
    from aisc.web.billing.projects import Project, StaticDirectory

    directory = StaticDirectory(
        [
            Project(
                f"p{i}",
                None,
                Terms(Decimal("0.70"), Decimal("50000.00")),
                AwardRef("aiss", "c1", f"p{i}"),
            )
            for i in range(10)
        ]
    )
    prices = PacedPrices(SpanPrices([RateSpan("h800", dt.date(2026, 1, 1), None, Decimal("20"))]))
    if argv[0] == "ingest":
        text = open(argv[1]).read()  # noqa: SIM115
        parsed = parse_sacct(text, cluster="aisc", tz=HK)
        actions.do_ingest(
            parsed,
            source_key("crash", text),
            directory=directory,
            prices=prices,
            tz=HK,
            batch_size=int(argv[2]),
        )
    else:
        period = actions.do_close_period(
            Month.parse(argv[1]),
            directory=directory,
            prices=prices,
            tz=HK,
            clock=FrozenClock(dt.datetime(2026, 6, 1, tzinfo=dt.UTC)),
        )
        print(json.dumps(period_figures(period, with_lines=True)))


if __name__ == "__main__":
    main(sys.argv[1:])
