"""A backup taken while the worker delivers mail, an ingest writes usage and ledger entries are
posted restores into an empty installation whole: the restore's own checks hold (audit chain,
ledger and usage totals equal the manifest's), the usage holds whole ingest batches only (a prefix
of the jobs, no half batch), every ledger entry is balanced and has its audit row, no message is
lost, every document is back. On SQLite and on PostgreSQL (each stage runs its own)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from tests.integration.own_database import AISC, own_database, stop, wait_for
from tests.integration.test_worker_daemon import queue_mail, start_worker
from tests.web.billing.test_crash import sacct_file

pytestmark = pytest.mark.django_db
INGEST = [AISC[0], "-m", "tests.web.billing.crash_driver", "ingest"]


def test_a_backup_taken_under_load_restores_whole_into_an_empty_installation(
    tmp_path: Path,
) -> None:
    jobs, mails = 20_000, 300
    with (
        own_database(tmp_path / "live", migrated=True) as live,
        own_database(tmp_path / "restored", migrated=False) as restored,
    ):
        document = live.data_dir / "files" / ("ab" * 16) / "proposal.pdf"
        document.parent.mkdir(parents=True)
        document.write_bytes(os.urandom(300_000))
        queue_mail(live, mails, "bk")
        sacct = sacct_file(tmp_path / "sacct.txt", jobs)
        worker = start_worker(live, tmp_path / "mail")
        ledger = live.start([AISC[0], "-m", "tests.integration.driver", "ledger", "100000"])
        ingest: subprocess.Popen[str] | None = None
        out = tmp_path / "backup.tar"
        try:
            written = "SELECT count(*) FROM billing_usagerecord"
            sent = "SELECT count(*) FROM outbox_outboxmessage WHERE state = 'sent'"
            posted = "SELECT count(*) FROM billing_ledgerentry"
            wait_for("the worker's first delivery", lambda: live.one(sent) > 0)
            wait_for("the first ledger entry", lambda: live.one(posted) > 0)
            # The ingest starts last and is frozen as soon as its first batch is seen, so that even
            # a fast machine is stopped well before the last of its 2,000 batches (CI's once
            # finished them all while the test waited on the worker).
            ingest = live.start([*INGEST, str(sacct), "10"])
            wait_for("the ingest's first batch", lambda: live.one(written) > 0, interval=0.005)
            # Frozen wherever it is, most likely inside a batch's open transaction: the backup
            # must hold the batches committed before it and nothing of the open one.
            ingest.send_signal(signal.SIGSTOP)
            backup = live.aisc("backup", "--out", str(out), "--json")
        finally:
            if ingest is not None:
                ingest.send_signal(signal.SIGCONT)
            for writer in (w for w in (ingest, ledger) if w is not None):
                writer.kill()
                writer.communicate()
            rc, worker_out = stop(worker)
        assert backup.returncode == 0, backup.stdout + backup.stderr
        assert rc == 0, worker_out
        taken = json.loads(backup.stdout)
        assert (taken["documents"], taken["database"]) == (1, live_vendor(live.url))

        done = restored.aisc("restore", str(out), "--json")
        assert done.returncode == 0, done.stdout + done.stderr
        report = json.loads(done.stdout)
        assert report["verified"] is True
        assert report["usage_records"] == taken["usage_records"]

        job_ids = sorted(int(j) for (j,) in restored.rows("SELECT job_id FROM billing_usagerecord"))
        charged = restored.one("SELECT coalesce(sum(gpu_seconds), 0) FROM billing_usagecharge")
        totals = restored.one("SELECT coalesce(sum(gpu_seconds), 0) FROM billing_usagetotal")
        messages = dict(
            restored.rows("SELECT state, count(*) FROM outbox_outboxmessage GROUP BY 1")
        )
        unbalanced = restored.rows(
            "SELECT entry_id FROM billing_ledgerposting GROUP BY entry_id "
            "HAVING sum(amount_cents) <> 0"
        )
        entries = restored.one("SELECT count(*) FROM billing_ledgerentry")
        audited = restored.one(
            "SELECT count(*) FROM audit_auditevent WHERE verb = 'test.ledger.post'"
        )
        bare = restored.one(
            "SELECT count(*) FROM billing_ledgerentry e WHERE NOT EXISTS "
            "(SELECT 1 FROM billing_ledgerposting p WHERE p.entry_id = e.id)"
        )
        verify = restored.aisc("audit", "verify")
        copied = restored.data_dir / "files" / ("ab" * 16) / "proposal.pdf"
    # Whole batches only: the jobs the ingest had committed, from the first, none half-written.
    assert 0 < len(job_ids) < jobs
    assert job_ids == list(range(1, len(job_ids) + 1))
    assert charged == totals > 0
    # Each ledger entry whole, balanced, and with its audit row: one transaction, all or none.
    assert (unbalanced, bare) == ([], 0)
    assert entries == audited > 0
    assert sum(messages.values()) == mails
    assert set(messages) <= {"pending", "sent"}
    assert verify.returncode == 0, verify.stderr
    assert copied.read_bytes() == document.read_bytes()


def live_vendor(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def test_a_backup_cut_short_by_a_full_disk_leaves_no_archive_behind(tmp_path: Path) -> None:
    """The file size limit stands in for a full disk: writes past it fail as ENOSPC would.
    In the SQLite stage: the archive is written the same way whatever the database."""
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite stage runs this")
    import resource

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))

    with own_database(tmp_path / "live", migrated=True) as live:
        document = live.data_dir / "files" / ("cd" * 16) / "big.bin"
        document.parent.mkdir(parents=True)
        document.write_bytes(os.urandom(150_000))
        folder = tmp_path / "backups"
        folder.mkdir()
        done = subprocess.run(
            [*AISC, "backup", "--out", str(folder / "backup.tar")],
            env=live.env(), capture_output=True, text=True, preexec_fn=small_disk,
        )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.startswith("aisc: backup")
    assert "Traceback" not in done.stderr
    assert list(folder.iterdir()) == []
