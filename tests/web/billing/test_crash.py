"""kill -9 the ingest at random points 20 times, then let it finish: totals equal one clean run."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection

DRIVER = [sys.executable, "-m", "tests.web.billing.crash_driver"]
ROOT = Path(__file__).resolve().parents[3]


def sacct_file(path: Path, jobs: int) -> Path:
    rng = random.Random(5)
    lines = ["JobID|Cluster|Account|User|Partition|State|Submit|Start|Elapsed|AllocTRES"]
    for job in range(1, jobs + 1):
        day, hour = rng.randint(1, 28), rng.randint(0, 23)
        start = f"2026-03-{day:02d}T{hour:02d}:00:00"
        hours, gpus = rng.randint(0, 30), rng.choice([1, 2, 4, 8])
        lines.append(
            f"{job}|aisc|p{job % 10}|u{job % 7}|h800|COMPLETED|{start}|{start}|"
            f"{hours:02d}:{rng.randint(0, 59):02d}:00|gres/gpu:h800={gpus},gres/gpu={gpus}"
        )
        if job % 50 == 0:
            lines.append("a malformed line")
    path.write_text("\n".join(lines) + "\n")
    return path


class Target:
    """A database of its own for one run of the driver: a SQLite file, or a PostgreSQL database
    on the server of the postgres stage."""

    def __init__(self, url: str, data_dir: Path) -> None:
        self.url, self.data_dir = url, data_dir

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "AISC_DATABASE_URL": self.url,
            "AISC_DATA_DIR": str(self.data_dir),
            "AISC_EMAIL_URL": "memory://",
        }

    def migrate(self) -> None:
        subprocess.run(
            [sys.executable, "-m", "aisc.cli.main", "migrate"],
            env=self.env(),
            cwd=ROOT,
            check=True,
            capture_output=True,
        )

    def rows(self, sql: str) -> tuple[Any, ...]:
        """The one row of a query. On SQLite read-write: after a kill -9 the first reader recovers
        the write-ahead log the killed writer left, as the next ingest would."""
        if self.url.startswith("sqlite:///"):
            with sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=30) as conn:
                return tuple(conn.execute(sql).fetchone() or ())
        with psycopg.connect(self.url, autocommit=True) as conn:
            return tuple(conn.execute(sql).fetchone() or ())


def totals(db: Target) -> tuple[tuple[Any, ...], ...]:
    records = db.rows(
        "SELECT count(*), count(DISTINCT cluster || job_id || submit) FROM billing_usagerecord"
    )
    charges = db.rows("SELECT count(*), sum(gpu_seconds) FROM billing_usagecharge")
    rejects = db.rows("SELECT count(*) FROM billing_rejectedline")
    return records, charges, rejects


def figures(db: Target) -> dict[str, object]:
    out = subprocess.run(
        [*DRIVER, "figures", "2026-03"],
        env=db.env(),
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, object] = json.loads(out.stdout)
    result.pop("closed_at")
    return result


def position(db: Target) -> int:
    """How far the ingest has committed (its checkpoint)."""
    row = db.rows("SELECT position FROM billing_ingestcursor")
    return int(row[0]) if row else 0


def kill_mid_ingest(db: Target, source: Path, rng: random.Random, records: int) -> int | None:
    """Start an ingest, wait until it commits a new batch, kill -9 it a random moment later.

    Returns the checkpoint at the kill, or None when the ingest finished first.
    """
    before = position(db)
    paced = {**db.env(), "AISC_CRASH_PACE": "0.002"}
    proc = subprocess.Popen([*DRIVER, "ingest", str(source), "10"], env=paced, cwd=ROOT)
    # Let it commit one to three more batches (polling the checkpoint, not guessing durations),
    # then kill at a random moment inside the batch after: progress per kill is bounded by
    # batches, not by time, so a fast machine cannot finish the file before the 20th kill.
    wanted, seen, commits = rng.randint(1, 3), before, 0
    while proc.poll() is None and commits < wanted:
        now = position(db)
        commits, seen = commits + (now != seen), now
        time.sleep(0.005)
    time.sleep(rng.uniform(0, 0.02))
    if proc.poll() is not None:
        return None
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return position(db)


@pytest.mark.slow
@pytest.mark.django_db
def test_kill_9_at_twenty_random_points_then_a_rerun_gives_the_clean_totals(
    tmp_path: Path,
) -> None:
    """On SQLite files of its own, in the SQLite stage (the postgres stage runs the next one)."""
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite stage runs this")
    clean, crashed = (
        Target(f"sqlite:///{tmp_path}/{name}/db.sqlite3", tmp_path / name)
        for name in ("clean", "crashed")
    )
    for db in (clean, crashed):
        db.data_dir.mkdir()
        db.migrate()
    kill_twenty_times_then_finish(tmp_path / "sacct.txt", clean, crashed)
    # the settings' WAL, whose crash safety this tests
    assert clean.rows("PRAGMA journal_mode") == ("wal",)


@pytest.mark.slow
@pytest.mark.django_db
def test_on_postgresql_kill_9_at_twenty_random_points_then_a_rerun_gives_the_clean_totals(
    tmp_path: Path,
) -> None:
    """The same on PostgreSQL, where a first reading's batches are written by the pipeline's
    writer thread: a kill lands in the planning of one batch, the COPY or commit of another."""
    if connection.vendor != "postgresql":
        pytest.skip("the postgres stage runs this")
    with migrated_postgres_databases(2, tmp_path) as (clean, crashed):
        kill_twenty_times_then_finish(tmp_path / "sacct.txt", clean, crashed)


@contextmanager
def migrated_postgres_databases(count: int, folder: Path) -> Iterator[list[Target]]:
    """Fresh, migrated databases on the test server (the first migrated, the others copies of
    it), dropped afterwards."""
    settings = connection.settings_dict
    server = f"postgresql://{settings['USER']}@{settings['HOST']}:{settings['PORT']}"
    names = [f"aisc_crash_{os.getpid()}_{n}" for n in range(count)]
    targets = [Target(f"{server}/{name}", folder / name) for name in names]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        for name in names:
            admin.execute(f"DROP DATABASE IF EXISTS {name}")
        try:
            for target in targets:
                target.data_dir.mkdir()
            admin.execute(f"CREATE DATABASE {names[0]}")
            targets[0].migrate()
            for name in names[1:]:
                admin.execute(f"CREATE DATABASE {name} TEMPLATE {names[0]}")
            yield targets
        finally:
            for name in names:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def kill_twenty_times_then_finish(sacct: Path, clean: Target, crashed: Target) -> None:
    jobs = 3000
    source = sacct_file(sacct, jobs=jobs)
    subprocess.run([*DRIVER, "ingest", str(source), "10"], env=clean.env(), cwd=ROOT, check=True)
    rng = random.Random(2026)
    checkpoints = [kill_mid_ingest(crashed, source, rng, jobs) for _ in range(20)]
    reached = [point for point in checkpoints if point is not None]
    assert len(reached) == 20, "the ingest finished before it was killed 20 times"
    assert reached == sorted(reached)
    assert 0 < reached[-1] < jobs
    subprocess.run([*DRIVER, "ingest", str(source), "10"], env=crashed.env(), cwd=ROOT, check=True)
    assert totals(crashed) == totals(clean)
    (count, distinct), (_, seconds), (rejects,) = totals(clean)
    assert count == distinct == jobs
    assert seconds > 0
    assert rejects == jobs // 50
    assert figures(crashed) == figures(clean)
