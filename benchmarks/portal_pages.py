"""Portal pages benchmark: server time of every page of the browser walk (tests/browser/
test_accessibility.py: the public pages, an applicant's, the staff's) with the demo centre plus
1,000 applications, 200 awards and 1,000,000 usage records, against issue 16's bar of 200 ms.

    python benchmarks/portal_pages.py [--records 1000000] [--applications 1000] [--awards 200]
                                      [--rounds 5] [--database sqlite|postgresql|both]

Each database is fresh and removed afterwards: a new SQLite file, or a new database on
scripts/pg-test-server's PostgreSQL (AISC_PG_PORT, AISC_PG_DIR; started when not running). The
demo's people, catalogue, allocations and grants are loaded as the browser walk loads them; the
extra applications and awards are copies of the demo's (bulk inserted: the pages read them, no
action is measured here); the usage records are billing's benchmark jobs
(benchmarks/billing_usage.ingest_jobs) on the awards' projects (p0000, p0001, ...). Each page is
requested in this process with Django's test client as its role (a visitor, the demo applicant, the
demo administrator), once to warm up and then `--rounds` times: server time is the time from
request to rendered response inside the process (middleware, view, queries, template), p50 and max,
with the queries it ran.

Prints one JSON object per database, with the machine and its load average.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from billing_usage import ingest_jobs  # noqa: E402

from aisc.devtools.databases import scratch_database  # noqa: E402

HK = zoneinfo.ZoneInfo("Asia/Hong_Kong")
BAR_MS = 200.0


@contextmanager
def fresh_database(kind: str) -> Iterator[str]:
    """A new database of `kind` ("sqlite" or "postgresql", on scripts/pg-test-server's server,
    started when not running), removed afterwards."""
    server = None
    if kind == "postgresql":
        server = subprocess.run(
            ["bash", "scripts/pg-test-server", "up"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    with scratch_database(server, "bench_portal") as url:
        yield url


def add_grants(applications: int, awards: int) -> list[str]:
    """Copies of the demo's applications (spread over its statuses) and of one of its awards,
    each award on an application of its own; returns the awards' project codes."""
    from aisc.web.grants.models import Application, Award

    models = list(Application.objects.order_by("pk"))
    copies = []
    for n in range(applications):
        app = copy.copy(models[n % len(models)])
        app.pk = None
        app.title = f"Benchmark project {n:04d}"
        copies.append(app)
    made = Application.objects.bulk_create(copies, batch_size=500)
    template = Award.objects.order_by("pk").first()
    assert template is not None, "the demo has an award"
    codes, rows = [], []
    for n, app in enumerate(made[:awards]):
        award = Award.objects.get(pk=template.pk)
        award.pk = None
        award.application = app
        award.organisation_id = app.organisation_id
        award.project_code = f"p{n:04d}"
        codes.append(award.project_code)
        rows.append(award)
    Award.objects.bulk_create(rows, batch_size=500)
    return codes


def walk(demo: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(role, path, user) of every page of the browser walk."""
    from aisc.web.accounts.models import User
    from tests.browser.test_accessibility import PUBLIC, applicant_pages, staff_pages

    admin = User.objects.get(email=demo["admin"][0])
    applicant = User.objects.get(email=demo["applicant"][0])
    pages: list[tuple[str, str, Any]] = [("public", path, None) for path, _ in PUBLIC]
    pages += [("applicant", p, applicant) for p, _ in applicant_pages(demo["draft"])]
    pages += [("staff", p, admin) for p, _ in staff_pages(demo["reviewed"])]
    return pages


def time_pages(pages: list[tuple[str, str, Any]], rounds: int) -> list[dict[str, Any]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    results = []
    for role, path, user in pages:
        client = Client()
        if user is not None:
            client.force_login(user)
        status = client.get(path).status_code  # warm-up: caches, compiled templates
        times = []
        with CaptureQueriesContext(connection) as queries:
            for _ in range(rounds):
                start = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - start) * 1000)
        results.append(
            {
                "role": role,
                "path": path,
                "status": status,
                "p50_ms": round(statistics.median(times), 1),
                "max_ms": round(max(times), 1),
                "queries": len(queries) // rounds,
                "over_200_ms": statistics.median(times) > BAR_MS,
            }
        )
    return results


def run_one(args: argparse.Namespace) -> None:
    """In a process of its own: one database, set up, filled and measured, then dropped."""
    with fresh_database(args.database) as url:
        os.environ["AISC_DATABASE_URL"] = url
        measure_one(args)


def measure_one(args: argparse.Namespace) -> None:
    data = tempfile.mkdtemp(prefix="aisc-bench-portal-data-")
    os.environ.setdefault("AISC_DATA_DIR", data)
    os.environ.setdefault("AISC_EMAIL_URL", "memory://")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aisc.web.settings")
    import django
    from django.conf import settings

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    # Staff sign in with a second factor; the test client's force_login knows none.
    settings.AISC_TWO_FACTOR_ROLES = ()
    settings.ALLOWED_HOSTS = ["*"]
    settings.AISC_EMBEDDED_SLURM_STATE = str(Path(data) / "embedded-slurm.json")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    from tests.browser.conftest import load_walk_centre

    demo = load_walk_centre()
    codes = add_grants(args.applications, args.awards)
    inserted = ingest_jobs(args.records, len(codes), "bench-portal")
    built_s = round(time.perf_counter() - began, 1)
    pages = time_pages(walk(demo), args.rounds)
    over = [f"{p['role']} {p['path']}" for p in pages if p["over_200_ms"]]
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "applications_added": args.applications,
                "awards_added": args.awards,
                "usage_records": inserted,
                "build_s": built_s,
                "rounds": args.rounds,
                "pages": pages,
                "over_200_ms": over,
                "slowest_p50_ms": max(p["p50_ms"] for p in pages),
                "machine": f"{platform.machine()}, {os.cpu_count()} cpus",
                "load_average_1_5_15": [round(x, 1) for x in os.getloadavg()],
                "date": dt.date.today().isoformat(),
            },
            indent=2,
        ),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--applications", type=int, default=1000)
    parser.add_argument("--awards", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    if args.database != "both":
        run_one(args)
        return
    # One process per database: Django is set up once per process.
    for kind in ("sqlite", "postgresql"):
        argv = [f"--records={args.records}", f"--applications={args.applications}"]
        argv += [f"--awards={args.awards}", f"--rounds={args.rounds}", f"--database={kind}"]
        subprocess.run([sys.executable, __file__, *argv], check=True)


if __name__ == "__main__":
    main()
