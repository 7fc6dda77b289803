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
from pathlib import Path

import pytest

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


def env_for(db: Path) -> dict[str, str]:
    return {
        **os.environ,
        "AISC_DATABASE_URL": f"sqlite:///{db}",
        "AISC_DATA_DIR": str(db.parent),
        "AISC_EMAIL_URL": "memory://",
    }


def migrate(db: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "aisc.cli.main", "migrate"],
        env=env_for(db),
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def totals(db: Path) -> tuple[object, ...]:
    with sqlite3.connect(db) as conn:
        records = conn.execute(
            "SELECT count(*), count(DISTINCT cluster || job_id || submit) FROM billing_usagerecord"
        ).fetchone()
        charges = conn.execute(
            "SELECT count(*), sum(gpu_seconds) FROM billing_usagecharge"
        ).fetchone()
        rejects = conn.execute("SELECT count(*) FROM billing_rejectedline").fetchone()
    return records, charges, rejects


def figures(db: Path) -> dict[str, object]:
    out = subprocess.run(
        [*DRIVER, "figures", "2026-03"],
        env=env_for(db),
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, object] = json.loads(out.stdout)
    result.pop("closed_at")
    return result


def position(db: Path) -> int:
    """How far the ingest has committed (its checkpoint). Read-write: after a kill -9 the first
    reader recovers the write-ahead log the killed writer left, as the next ingest would."""
    with sqlite3.connect(db, timeout=30) as conn:
        row = conn.execute("SELECT position FROM billing_ingestcursor").fetchone()
    return int(row[0]) if row else 0


def kill_mid_ingest(db: Path, source: Path, rng: random.Random, records: int) -> int | None:
    """Start an ingest, wait until it commits a new batch, kill -9 it a random moment later.

    Returns the checkpoint at the kill, or None when the ingest finished first.
    """
    before = position(db)
    paced = {**env_for(db), "AISC_CRASH_PACE": "0.002"}
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
def test_kill_9_at_twenty_random_points_then_a_rerun_gives_the_clean_totals(
    tmp_path: Path,
) -> None:
    jobs = 3000
    source = sacct_file(tmp_path / "sacct.txt", jobs=jobs)
    clean, crashed = tmp_path / "clean" / "db.sqlite3", tmp_path / "crashed" / "db.sqlite3"
    for db in (clean, crashed):
        db.parent.mkdir()
        migrate(db)
    subprocess.run([*DRIVER, "ingest", str(source), "10"], env=env_for(clean), cwd=ROOT, check=True)
    with sqlite3.connect(clean) as conn:  # the settings' WAL, whose crash safety this tests
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    rng = random.Random(2026)
    checkpoints = [kill_mid_ingest(crashed, source, rng, jobs) for _ in range(20)]
    assert None not in checkpoints, "the ingest finished before it was killed 20 times"
    assert checkpoints == sorted(checkpoints)
    assert 0 < checkpoints[-1] < jobs
    subprocess.run(
        [*DRIVER, "ingest", str(source), "10"], env=env_for(crashed), cwd=ROOT, check=True
    )
    assert totals(crashed) == totals(clean)
    (count, distinct), (_, seconds), (rejects,) = totals(clean)
    assert count == distinct == jobs
    assert seconds > 0
    assert rejects == jobs // 50
    assert figures(crashed) == figures(clean)
