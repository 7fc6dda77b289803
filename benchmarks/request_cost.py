"""What each request of the web load mix costs the server, one at a time: CPU and queries.

    python benchmarks/request_cost.py [--rounds 30] [--database postgresql|sqlite]
                                      [--profile PATH]

benchmarks/web_load.py measures the CPU of the whole mix under load; this takes the same mix
(`web_load.mix`), the same data (the demo centre) and the same callers (an administrator's API
token, an anonymous visitor, the administrator's session past the second factor, prepared by
`web_load.PREPARE`), and asks each path `--rounds` times in this process through Django's test
client after one warm-up: per path, the median process CPU (`time.process_time`: middleware,
view, queries' client side, template) and the queries it ran. The database is fresh: a new
SQLite file, or a new database on scripts/pg-test-server's PostgreSQL (AISC_PG_PORT,
AISC_PG_DIR; started when not running), dropped afterwards. `--profile PATH` (repeatable)
also prints the cProfile of that path's rounds (CPU clock), the 25 costliest functions.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import portal_pages  # noqa: E402
from web_load import PREPARE, mix  # noqa: E402


def measure(
    facts: dict[str, Any], rounds: int, profile: list[str], sort: str = "cumulative"
) -> list[dict[str, Any]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    headers: dict[str, dict[str, str]] = {
        "api": {"Authorization": f"Bearer {facts['tokens'][0]}"},
        "public": {"Accept": "text/html"},
        "portal": {},
    }
    results = []
    for kind, path in dict.fromkeys(mix(facts)):
        client = Client()
        if kind == "portal":
            client.cookies["sessionid"] = facts["session"]
        status = client.get(path, headers=headers[kind]).status_code
        cpu = []
        profiler = cProfile.Profile(time.process_time) if path in profile else None
        with CaptureQueriesContext(connection) as queries:
            for _ in range(rounds):
                start = time.process_time()
                if profiler is not None:
                    profiler.enable()
                answered = client.get(path, headers=headers[kind]).status_code
                if profiler is not None:
                    profiler.disable()
                cpu.append(time.process_time() - start)
                status = max(status, answered)
        results.append(
            {
                "kind": kind,
                "path": path,
                "status": status,
                "cpu_ms_p50": round(statistics.median(cpu) * 1000, 2),
                "queries": len(queries) // rounds,
            }
        )
        if profiler is not None:
            per_round = queries.captured_queries[: len(queries) // rounds]
            print(f"{path}:", *(q["sql"][:300] for q in per_round), sep="\n  ", file=sys.stderr)
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(25)
            print(out.getvalue(), file=sys.stderr)
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--sort", default="cumulative", help="cProfile order: cumulative, tottime")
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument(
        "--profile", action="append", default=[], help="a path of the mix to profile (repeatable)"
    )
    args = parser.parse_args()
    with portal_pages.fresh_database(args.database) as url:
        os.environ["AISC_DATABASE_URL"] = url
        report(args)


def report(args: argparse.Namespace) -> None:
    """Django set up on AISC_DATABASE_URL, the demo loaded, the mix measured and printed."""
    os.environ.setdefault("AISC_DATA_DIR", tempfile.mkdtemp(prefix="aisc-bench-cost-data-"))
    os.environ.setdefault("AISC_EMAIL_URL", "memory://")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aisc.web.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    from aisc.web.demo_load import load_all

    load_all()
    out = io.StringIO()
    namespace: dict[str, Any] = {"CLIENTS": 1, "print": lambda text: out.write(text)}
    exec(PREPARE, namespace)  # noqa: S102 - web_load's own preparation, same facts
    facts = json.loads(out.getvalue())
    results = measure(facts, args.rounds, args.profile, args.sort)
    by_kind = {
        kind: round(statistics.mean(r["cpu_ms_p50"] for r in results if r["kind"] == kind), 2)
        for kind in ("api", "public", "portal")
    }
    weights = [kind for kind, _ in mix(facts)]
    cpu_of = {r["path"]: r["cpu_ms_p50"] for r in results}
    mix_cpu = statistics.mean(cpu_of[path] for _, path in mix(facts))
    print(
        json.dumps(
            {
                "database": args.database,
                "rounds": args.rounds,
                "paths": results,
                "cpu_ms_mean_by_kind": by_kind,
                "cpu_ms_mean_of_mix": round(mix_cpu, 2),
                "mix_kinds": {k: weights.count(k) for k in ("api", "public", "portal")},
                "machine": f"{platform.machine()}, {os.cpu_count()} cpus, "
                f"Python {platform.python_version()}",
                "load_average_1_5_15": [round(x, 1) for x in os.getloadavg()],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
