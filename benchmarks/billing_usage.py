"""Billing benchmark: ingest + rate + post N job records, close a month for P projects, and
serve a statement page. Usage (the issue's targets are for 1,000,000 records, 1,000 projects):

    python benchmarks/billing_usage.py --records 1000000 --projects 1000       # a fresh SQLite
    AISC_DATABASE_URL=postgresql://postgres@127.0.0.1:PORT/aisc \
        python benchmarks/billing_usage.py --records 1000000 --projects 1000   # PostgreSQL

Without AISC_DATABASE_URL it creates and migrates a fresh SQLite database in a temporary folder;
with one, it migrates that database, which must hold no usage yet (scripts/pg-test-server up
gives an empty PostgreSQL).

Side by side with other code (the code before a change), on the same database server:

    git worktree add /tmp/billing-base BASE_COMMIT
    python benchmarks/billing_usage.py --records 1000000 --compare /tmp/billing-base --rounds 2

runs the base tree's own benchmarks/billing_usage.py (its code first on PYTHONPATH) and this
tree's, alternately (base, this, base, this, ...), each in a process of its own on a fresh
database: a new SQLite file, or with AISC_DATABASE_URL a new database created on that PostgreSQL
server for each run (the ledger's tables refuse to be emptied, so a database is not reused).
Prints one JSON line per run (with the load average before it) and the medians of both sides.

A single run prints one JSON object: wall and CPU seconds of each phase: parse and
ingest (one phase: the text is parsed chunk by chunk as the ingest writes, as `aisc usage ingest`
reads a file), then close. CPU of this process, and on PostgreSQL also the server's own CPU.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import zoneinfo
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from aisc.devtools.databases import scratch_database

if TYPE_CHECKING:  # imported at run time only after django.setup()
    from aisc.web.billing.models import BillingPeriod

HK = zoneinfo.ZoneInfo("Asia/Hong_Kong")
# What `aisc usage ingest` asks sacct for (aisc.adapters.slurm.usage.ASKED): the job fields, End.
FIELDS = "JobID|Cluster|Account|User|Partition|State|Submit|Start|Elapsed|AllocTRES|End"


def sacct_text(records: int, projects: int, seed: int = 1) -> str:
    """Synthetic jobs in March 2026 (some crossing into April), 1-8 H800 GPUs, up to 30 h."""
    rng = random.Random(seed)
    lines = [FIELDS]
    for job in range(1, records + 1):
        start = dt.datetime(2026, 3, 1) + dt.timedelta(seconds=rng.randrange(31 * 86400))
        stamp = start.strftime("%Y-%m-%dT%H:%M:%S")
        seconds = rng.randrange(30 * 3600)
        end = (start + dt.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S")
        gpus = rng.choice((1, 2, 4, 8))
        elapsed = f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
        lines.append(
            f"{job}|aisc|p{job % projects:04d}|u{job % 97}|h800|COMPLETED|{stamp}|{stamp}|"
            f"{elapsed}|billing={gpus},cpu={gpus * 8},gres/gpu:h800={gpus},gres/gpu={gpus},node=1|"
            f"{end}"
        )
    return "\n".join(lines) + "\n"


def ingest_jobs(records: int, projects: int, source: str) -> int:
    """`records` of sacct_text's jobs on projects p0000, p0001, ... (awarded, 70 % subsidy)
    ingested by do_ingest into the configured database (Django set up); returns how many were
    stored. The data of the backup and portal benchmarks."""
    from aisc.adapters.slurm.usage import parse_sacct_chunks
    from aisc.core.billing.split import Terms
    from aisc.core.catalogue.rates import RateSpan
    from aisc.core.ledger.flows import AwardRef
    from aisc.web.billing import actions
    from aisc.web.billing.ingest.batches import source_key
    from aisc.web.billing.prices import SpanPrices
    from aisc.web.billing.projects import Project, StaticDirectory

    directory = StaticDirectory(
        Project(
            f"p{i:04d}",
            None,
            Terms(Decimal("0.70"), Decimal("5000000.00")),
            AwardRef("aiss", "c2026a", f"p{i:04d}"),
        )
        for i in range(projects)
    )
    prices = SpanPrices([RateSpan("h800", dt.date(2026, 1, 1), None, Decimal("20"))])
    text = sacct_text(records, projects)
    report = actions.do_ingest(
        parse_sacct_chunks(text, "bench", HK, 20_000),
        source_key(source, text),
        directory=directory,
        prices=prices,
        tz=HK,
    )
    return report.inserted


def statement_page_ms(period: BillingPeriod) -> float:
    """Median of 20 GETs of one statement page by a finance user (rendered, not cached)."""
    import statistics

    from django.conf import settings
    from django.test import Client

    from aisc.web.accounts.models import Role, User
    from aisc.web.billing.models import Statement

    user, _ = User.objects.get_or_create(email="bench-finance@aisc.example.hk")
    user.roles.add(Role.objects.get(code=Role.FINANCE))
    # force_login knows no second factor: the page's cost is measured without that step, as the
    # tests of pages do (tests/conftest.py).
    settings.AISC_TWO_FACTOR_ROLES = ()
    client = Client()
    client.force_login(user)
    statement = Statement.objects.filter(period=period).order_by("pk").first()
    assert statement is not None
    timings = []
    for _ in range(20):
        t0 = time.perf_counter()
        response = client.get(f"/billing/statements/{statement.pk}/")
        timings.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    return round(statistics.median(timings), 1)


def server_cpu_s() -> float:
    """CPU seconds the PostgreSQL server has used so far, all its processes together (the ingest
    writes through a second connection, whose backend has ended by the time this is read), or 0
    on SQLite, whose work is this process's own CPU time. The server runs on this machine, so
    /proc has it: the postmaster's own time, the time of its children that ended (which the
    kernel adds to it when it reaps them) and that of those still running. With the client's CPU
    it gives the work done whatever else the machine is doing, where wall time does not."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('data_directory')")
        folder = cursor.fetchone()[0]
    try:
        postmaster = int(Path(folder, "postmaster.pid").read_text().split()[0])
        total = _cpu_ticks(postmaster, with_ended_children=True)
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and _parent(entry) == postmaster:
                total += _cpu_ticks(int(entry.name), with_ended_children=False)
    except OSError:
        return 0.0
    return total / os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int | Path) -> list[str]:
    path = pid / "stat" if isinstance(pid, Path) else Path(f"/proc/{pid}/stat")
    return path.read_text().rsplit(")", 1)[1].split()


def _parent(entry: Path) -> int:
    try:
        return int(_stat_fields(entry)[1])
    except (OSError, IndexError):
        return 0  # it ended while the list was read


def _cpu_ticks(pid: int, *, with_ended_children: bool) -> int:
    """utime + stime (and cutime + cstime): fields 14-17 of proc(5), counted from the state."""
    try:
        fields = _stat_fields(pid)
    except OSError:
        return 0
    ticks = int(fields[11]) + int(fields[12])
    return ticks + (int(fields[13]) + int(fields[14]) if with_ended_children else 0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=20_000)  # ingest.batches.BATCH
    parser.add_argument("--compare", type=Path, help="a checkout of other code to run alongside")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--no-writer-thread",
        action="store_true",
        help="PostgreSQL: every batch written inline, as inside a caller's transaction",
    )
    args = parser.parse_args()
    if args.compare:
        compare(args.compare, args.rounds, ["--records", str(args.records),
                "--projects", str(args.projects), "--batch", str(args.batch)])  # fmt: skip
        return

    if not os.environ.get("AISC_DATABASE_URL"):
        folder = tempfile.mkdtemp(prefix="aisc-bench-billing-")
        os.environ["AISC_DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("AISC_EMAIL_URL", "memory://")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aisc.web.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    if args.no_writer_thread:
        from aisc.web.billing.ingest import writer

        vars(writer)["thread_usable"] = lambda: False

    from aisc.adapters.slurm.usage import parse_sacct_chunks
    from aisc.core.billing.split import Terms
    from aisc.core.catalogue.rates import RateSpan
    from aisc.core.clock import FrozenClock
    from aisc.core.ledger.flows import AwardRef
    from aisc.core.metering.split import Month
    from aisc.web.billing import actions
    from aisc.web.billing.ingest.batches import source_key
    from aisc.web.billing.prices import SpanPrices
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
    from aisc.web.billing.models import UsageRecord

    if UsageRecord.objects.exists():
        raise SystemExit("billing_usage: the database already holds usage; give it an empty one")
    text = sacct_text(args.records, args.projects)

    # As `aisc usage ingest` reads a file: parsed chunk by chunk while the ingest writes.
    clocks = [(time.perf_counter(), time.process_time(), server_cpu_s())]
    report = actions.do_ingest(
        parse_sacct_chunks(text, "aisc", HK, args.batch),
        source_key("bench", text),
        directory=directory,
        prices=prices,
        tz=HK,
    )
    clocks.append((time.perf_counter(), time.process_time(), server_cpu_s()))
    period = actions.do_close_period(
        Month(2026, 3),
        directory=directory,
        prices=prices,
        tz=HK,
        clock=FrozenClock(dt.datetime(2026, 5, 1, tzinfo=dt.UTC)),
    )
    clocks.append((time.perf_counter(), time.process_time(), server_cpu_s()))
    page_ms = statement_page_ms(period)
    wall = [round(b[0] - a[0], 2) for a, b in itertools.pairwise(clocks)]
    cpu = [round(b[1] - a[1], 2) for a, b in itertools.pairwise(clocks)]
    server = [round(b[2] - a[2], 2) for a, b in itertools.pairwise(clocks)]
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "records": args.records,
                "writer_thread": not args.no_writer_thread,
                "inserted": report.inserted,
                "projects": args.projects,
                "statements": period.statements.count(),
                "parse_and_ingest_s": wall[0],
                "close_s": wall[1],
                "ingest_rate_post_s": round(sum(wall), 2),
                "parse_and_ingest_cpu_s": cpu[0],
                "close_cpu_s": cpu[1],
                "ingest_rate_post_cpu_s": round(sum(cpu), 2),
                "db_server_cpu_s": {"parse_and_ingest": server[0], "close": server[1]},
                "ingest_rate_post_cpu_with_server_s": round(sum(cpu) + sum(server), 2),
                "statement_page_ms_median_of_20": page_ms,
                "machine": f"{platform.machine()}, {os.cpu_count()} cpus",
                "load_average_1_5_15": [round(x, 1) for x in os.getloadavg()],
                "date": dt.date.today().isoformat(),
            },
            indent=2,
        )
    )


HERE = Path(__file__).resolve().parent.parent


def compare(base: Path, rounds: int, options: list[str]) -> None:
    """Base and this tree alternately, `rounds` times each, each run on a fresh database."""
    sides = {"base": base.resolve(), "this": HERE}
    results: dict[str, list[dict[str, object]]] = {"base": [], "this": []}
    # A new database for each run (the ledger's tables refuse to be emptied): on
    # AISC_DATABASE_URL's PostgreSQL server, else a SQLite file.
    url = os.environ.get("AISC_DATABASE_URL", "")
    server = url if url.startswith("postgres") else None
    for round_no in range(1, rounds + 1):
        for side, tree in sides.items():
            with scratch_database(server, "bench_billing") as database:
                env = {**os.environ, "PYTHONPATH": str(tree), "AISC_DATABASE_URL": database}
                load = [round(x, 1) for x in os.getloadavg()]
                run = subprocess.run(
                    [sys.executable, str(tree / "benchmarks" / "billing_usage.py"), *options],
                    env=env, cwd=tree, capture_output=True, text=True, check=True,
                )  # fmt: skip
            figures = json.loads(run.stdout)
            figures.update(side=side, round=round_no, load_before=load, tree=str(tree))
            results[side].append(figures)
            print(json.dumps(figures), flush=True)
    keys = [
        "parse_and_ingest_s",
        "close_s",
        "ingest_rate_post_s",
        "ingest_rate_post_cpu_s",
        "ingest_rate_post_cpu_with_server_s",
    ]
    medians = {
        side: {key: statistics.median(float(str(r[key])) for r in runs) for key in keys}
        for side, runs in results.items()
    }
    ratios = {
        f"this_over_base_{key}": round(medians["this"][key] / medians["base"][key], 3)
        for key in ("ingest_rate_post_s", "ingest_rate_post_cpu_with_server_s")
    }
    print(json.dumps({"medians": medians, **ratios}))


if __name__ == "__main__":
    main()
