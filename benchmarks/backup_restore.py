"""Backup and restore benchmark: the demo centre plus N usage records (the issue's target: both
under 2 minutes with 1,000,000 records). Usage:

    python benchmarks/backup_restore.py --records 1000000                 # a fresh SQLite
    AISC_DATABASE_URL=postgresql://postgres@127.0.0.1:PORT/aisc \
        python benchmarks/backup_restore.py --records 1000000             # PostgreSQL

Without AISC_DATABASE_URL it builds a SQLite installation in a temporary folder; with one, that
database must be empty (scripts/pg-test-server up gives one) and a second database, NAME_restore
on the same server, is created (and dropped afterwards) to restore into. The data: `aisc demo
load`, then the records of benchmarks/billing_usage.py ingested as `aisc usage ingest` would.
Then `aisc backup --out` and `aisc restore` run as the operator runs them (their own processes,
start-up included) and are timed by wall clock. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import zoneinfo
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from billing_usage import ingest_jobs

HK = zoneinfo.ZoneInfo("Asia/Hong_Kong")
AISC = [sys.executable, "-m", "aisc.cli.main"]


def restore_target(url: str, folder: Path) -> str:
    if url.startswith("sqlite"):
        return f"sqlite:///{folder}/restored/aisc.sqlite3"
    import psycopg

    base, name = url.rsplit("/", 1)
    target = f"{name}_restore"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {target}")
        admin.execute(f"CREATE DATABASE {target}")
    return f"{base}/{target}"


def drop_target(url: str) -> None:
    if url.startswith("postgres"):
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv[2:])} failed: {done.stderr.strip()}")
    return round(wall, 2), done.stdout


def fill(records: int, projects: int) -> int:
    """The demo centre, then `records` job records; returns how many were stored."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    load = subprocess.run([*AISC, "demo", "load"], capture_output=True, text=True, check=False)
    if load.returncode != 0:
        raise SystemExit(f"aisc demo load failed: {load.stderr.strip()}")
    return ingest_jobs(records, projects, "bench-backup")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--projects", type=int, default=1000)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="aisc-bench-backup-"))
    if not os.environ.get("AISC_DATABASE_URL"):
        os.environ["AISC_DATABASE_URL"] = f"sqlite:///{folder}/live/aisc.sqlite3"
    os.environ["AISC_DATA_DIR"] = str(folder / "live")
    os.environ.setdefault("AISC_EMAIL_URL", "memory://")
    # The live and the restored installation share their keys, as an operator carries them over.
    os.environ.setdefault("AISC_SECRET_KEY", "bench-" + "k" * 44)
    os.environ.setdefault("AISC_AUDIT_ANCHOR_KEY", "bench-" + "a" * 44)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aisc.web.settings")
    import django

    django.setup()
    from django.db import connection

    live_url = os.environ["AISC_DATABASE_URL"]
    t0 = time.perf_counter()
    inserted = fill(args.records, args.projects)
    fill_s = round(time.perf_counter() - t0, 1)
    connection.close()

    archive = folder / "backup.tar"
    backup_s, backup_out = timed(
        [*AISC, "backup", "--out", str(archive), "--json"], dict(os.environ)
    )
    target = restore_target(live_url, folder)
    restored_env = {
        **os.environ,
        "AISC_DATABASE_URL": target,
        "AISC_DATA_DIR": str(folder / "restored"),
    }
    try:
        restore_s, restore_out = timed([*AISC, "restore", str(archive), "--json"], restored_env)
    finally:
        drop_target(target)
        shutil.rmtree(folder, ignore_errors=True)
    taken, restored = json.loads(backup_out), json.loads(restore_out)
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "records_ingested": inserted,
                "usage_records_in_backup": taken["usage_records"],
                "audit_rows": taken["audit_rows"],
                "documents": taken["documents"],
                "archive_mb": round(taken["size"] / 1e6, 1),
                "fill_s (demo load + ingest, not timed by the target)": fill_s,
                "backup_s": backup_s,
                "restore_s (incl. audit verify and totals check)": restore_s,
                "restore_verified": restored["verified"],
                "target_s": 120,
                "machine": f"{platform.machine()}, {os.cpu_count()} cpus",
                "load_average_1_5_15": [round(x, 1) for x in os.getloadavg()],
                "date": dt.date.today().isoformat(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
