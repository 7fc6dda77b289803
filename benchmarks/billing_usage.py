"""Billing benchmark: ingest + rate + post N job records, close a month for P projects, and
serve a statement page. Usage:

    AISC_DATABASE_URL=... python benchmarks/billing_usage.py --records 1000000 --projects 1000

Prints one JSON object with the timings. The database must be migrated and empty of usage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import time
import zoneinfo
from decimal import Decimal

HK = zoneinfo.ZoneInfo("Asia/Hong_Kong")
FIELDS = "JobID|Cluster|Account|User|Partition|State|Submit|Start|Elapsed|AllocTRES"


def sacct_text(records: int, projects: int, seed: int = 1) -> str:
    """Synthetic jobs in March 2026 (some crossing into April), 1-8 H800 GPUs, up to 30 h."""
    rng = random.Random(seed)
    lines = [FIELDS]
    for job in range(1, records + 1):
        start = dt.datetime(2026, 3, 1) + dt.timedelta(seconds=rng.randrange(31 * 86400))
        stamp = start.strftime("%Y-%m-%dT%H:%M:%S")
        seconds = rng.randrange(30 * 3600)
        gpus = rng.choice((1, 2, 4, 8))
        elapsed = f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
        lines.append(
            f"{job}|aisc|p{job % projects:04d}|u{job % 97}|h800|COMPLETED|{stamp}|{stamp}|"
            f"{elapsed}|billing={gpus},cpu={gpus * 8},gres/gpu:h800={gpus},gres/gpu={gpus},node=1"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=5000)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aisc.web.settings")
    import django

    django.setup()
    from django.db import connection

    from aisc.adapters.slurm.usage import parse_sacct
    from aisc.core.billing.split import Terms
    from aisc.core.catalogue.rates import RateSpan
    from aisc.core.clock import FrozenClock
    from aisc.core.ledger.flows import AwardRef
    from aisc.core.metering.split import Month
    from aisc.web.billing import actions
    from aisc.web.billing.ingest import source_key
    from aisc.web.billing.pricebook import SpanPrices
    from aisc.web.billing.projects import Project, StaticDirectory

    directory = StaticDirectory(
        Project(
            f"p{i:04d}",
            None,
            Terms(Decimal("0.70"), Decimal("5000000.00")) if i % 10 else None,
            AwardRef("aiss", "c2026a", f"p{i:04d}") if i % 10 else None,
        )
        for i in range(args.projects)
    )
    # HK$20 per H800 GPU-hour (domain-facts §4.2).
    prices = SpanPrices([RateSpan("h800", dt.date(2026, 1, 1), None, Decimal("20"))])
    text = sacct_text(args.records, args.projects)

    t0 = time.perf_counter()
    parsed = parse_sacct(text, cluster="aisc", tz=HK)
    t1 = time.perf_counter()
    report = actions.do_ingest(
        parsed,
        source_key("bench", text),
        directory=directory,
        prices=prices,
        tz=HK,
        batch_size=args.batch,
    )
    t2 = time.perf_counter()
    period = actions.do_close_period(
        Month(2026, 3),
        directory=directory,
        prices=prices,
        tz=HK,
        clock=FrozenClock(dt.datetime(2026, 5, 1, tzinfo=dt.UTC)),
    )
    t3 = time.perf_counter()
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "records": args.records,
                "inserted": report.inserted,
                "projects": args.projects,
                "statements": period.statements.count(),
                "parse_s": round(t1 - t0, 2),
                "ingest_s": round(t2 - t1, 2),
                "ingest_rate_post_s": round(t3 - t0, 2),
                "close_s": round(t3 - t2, 2),
                "machine": f"{platform.machine()}, {os.cpu_count()} cpus",
                "load_average": round(os.getloadavg()[0], 1),
                "date": dt.date.today().isoformat(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
