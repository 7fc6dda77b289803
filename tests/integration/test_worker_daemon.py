"""`aisc worker` as a daemon, in real processes: two workers racing over one queue deliver each
message exactly once (PostgreSQL, row claims with SKIP LOCKED; both are stopped by SIGTERM), and
SIGTERM stops a worker between two messages with nothing held, half-done or lost (SQLite)."""

from __future__ import annotations

import collections
import re
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from tests.integration.own_database import AISC, ROOT, Target, own_database, stop, wait_for

pytestmark = pytest.mark.django_db
DRIVER = ["-m", "tests.integration.driver"]


def queue_mail(db: Target, count: int, prefix: str) -> None:
    done = subprocess.run(
        [AISC[0], *DRIVER, "mail", str(count), prefix],
        env=db.env(), cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def delivered(mail_dir: Path) -> collections.Counter[str]:
    """Subjects of the mails the file backend wrote, with how often each was written."""
    text = "".join(p.read_text() for p in mail_dir.glob("*.log"))
    return collections.Counter(re.findall(r"^Subject: (\S+)$", text, flags=re.M))


def start_worker(db: Target, mail_dir: Path) -> subprocess.Popen[str]:
    return db.start(
        [*AISC, "worker", "--interval", "0.1", "--beat", "0.5"],
        AISC_EMAIL_URL=f"file://{mail_dir}",
    )


def test_two_worker_processes_on_postgresql_deliver_each_message_exactly_once(
    tmp_path: Path,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED claims are PostgreSQL's; the postgres stage runs this")
    count, mail_dir = 200, tmp_path / "mail"
    with own_database(tmp_path / "race", migrated=True) as db:
        workers = [start_worker(db, mail_dir) for _ in range(2)]
        try:
            running = "SELECT count(*) FROM outbox_workerheartbeat WHERE stopped_at IS NULL"
            wait_for("both workers to beat", lambda: db.one(running) == 2)
            queue_mail(db, count, "race")
            sent = "SELECT count(*) FROM outbox_outboxmessage WHERE state = 'sent'"
            wait_for("every message to be sent", lambda: db.one(sent) == count)
        finally:
            results = [stop(w) for w in workers]
        assert [rc for rc, _ in results] == [0, 0], results
        for _, out in results:
            assert "SIGTERM: stopping after this step" in out
            assert "stopped (0 claims given back)" in out
            assert "Traceback" not in out
        assert db.one(running) == 0
        by_worker = db.rows(
            "SELECT claimed_by, count(*), max(attempts) FROM outbox_outboxmessage GROUP BY 1"
        )
    subjects = delivered(mail_dir)
    assert set(subjects) == {f"race{n}" for n in range(count)}
    assert set(subjects.values()) == {1}
    # Both raced for the same rows, and no message was tried twice.
    assert len(by_worker) == 2
    assert all(n > 0 and attempts == 1 for _, n, attempts in by_worker)


def test_sigterm_stops_a_worker_between_messages_with_nothing_held_or_lost(
    tmp_path: Path,
) -> None:
    """In the SQLite stage; on PostgreSQL the racing workers above are stopped the same way."""
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite stage runs this")
    count, mail_dir = 600, tmp_path / "mail"
    with own_database(tmp_path / "term", migrated=True) as db:
        queue_mail(db, count, "term")
        worker = start_worker(db, mail_dir)
        sent = "SELECT count(*) FROM outbox_outboxmessage WHERE state = 'sent'"
        try:
            wait_for("some messages to be sent", lambda: db.one(sent) >= 20)
        finally:
            rc, out = stop(worker)
        assert rc == 0, out
        assert "SIGTERM: stopping after this step" in out
        assert "stopped (0 claims given back)" in out
        assert "Traceback" not in out
        states = dict(db.rows("SELECT state, count(*) FROM outbox_outboxmessage GROUP BY 1"))
        held = db.one("SELECT count(*) FROM outbox_outboxmessage WHERE claimed_until IS NOT NULL")
        tried = db.one(
            "SELECT count(*) FROM outbox_outboxmessage WHERE state = 'pending' AND attempts > 0"
        )
        sent_subjects = {
            row[0]["subject"] if isinstance(row[0], dict) else row[0]
            for row in db.rows("SELECT payload FROM outbox_outboxmessage WHERE state = 'sent'")
        }
        stopped = db.one("SELECT count(*) FROM outbox_workerheartbeat WHERE stopped_at IS NULL")
    assert 20 <= states["sent"] < count, "the worker finished before it was stopped"
    assert states["sent"] + states["pending"] == count
    assert (held, tried, stopped) == (0, 0, 0)
    subjects = delivered(mail_dir)
    assert set(subjects.values()) == {1}
    assert len(subjects) == states["sent"]
    assert len(sent_subjects) == states["sent"]
