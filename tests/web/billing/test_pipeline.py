"""The ingest's writer thread on PostgreSQL (billing.ingest.writer): batches of new records
planned in the calling thread and committed by a second one must store exactly what the inline way
stores, keep a batch and its checkpoint together, and give way to the inline way whenever the
plan's assumptions do not hold.

The PostgreSQL tests commit for real (transaction=True): the writer thread has its own connection,
which would not see a test transaction's rows. On SQLite only the inline checks run, inside the
test's transaction (SQLite's append-only triggers refuse the flush after a committing test)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

from aisc.adapters.slurm.usage import parse_sacct
from aisc.web.billing import actions
from aisc.web.billing.ingest import writer
from aisc.web.billing.ingest.batches import IngestReport, source_key
from aisc.web.billing.ingest.rows import CHARGE
from aisc.web.billing.ingest.stored import next_record_id
from aisc.web.billing.models import (
    IngestCursor,
    RejectedLine,
    UsageCharge,
    UsageRecord,
    UsageTotal,
)
from aisc.web.billing.prices import SpanPrices
from aisc.web.billing.projects import StaticDirectory
from tests.web.billing.conftest import HEADER, HK, sacct_line

COMMITS = pytest.mark.django_db(transaction=True)

Ingest = Callable[..., IngestReport]


@pytest.fixture
def postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the writer thread runs on PostgreSQL only; the postgres stage runs this")


@pytest.fixture
def ingest(directory: StaticDirectory, prices: SpanPrices) -> Ingest:
    """Ingests lines as cluster `cluster`; inside a transaction of its own when `inline`."""

    def run(lines: list[str], *, cluster: str = "aisc", inline: bool = False, **kw: Any) -> Any:
        text = "\n".join([HEADER, *(line.replace("|aisc|", f"|{cluster}|", 1) for line in lines)])
        parsed = parse_sacct(text, cluster=cluster, tz=HK)
        source = source_key(cluster, text)

        def call() -> IngestReport:
            return actions.do_ingest(
                parsed, source, directory=directory, prices=prices, tz=HK, **kw
            )

        if inline:
            with transaction.atomic():
                return call()
        return call()

    return run


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of the thread of each batch the writer was given (the real write runs)."""
    threads: list[str] = []
    real = writer.commit

    def counted(plan: writer.Write) -> None:
        threads.append(threading.current_thread().name)
        real(plan)

    monkeypatch.setattr(writer, "commit", counted)
    return threads


def mixed_lines(first: int, count: int) -> list[str]:
    """Jobs of both projects, some across the month end, some on two chips, a few refused."""
    lines = []
    for job in range(first, first + count):
        account = "p2026a-001" if job % 3 else "tenant-kc"
        start = "2026-03-31T20:00:00" if job % 5 == 0 else f"2026-03-{job % 27 + 1:02d}T10:00:00"
        gpus = "gres/gpu:h100=2,gres/gpu:h800=4" if job % 7 == 0 else "gres/gpu:h800=8"
        lines.append(sacct_line(str(job), account, start, f"0{job % 9}:30:00", gpus=gpus))
        if job % 11 == 0:
            lines.append(sacct_line(f"{job}0", account="nobody"))
        if job % 13 == 0:
            lines.append("a malformed line")
    return lines


def stored(cluster: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """A cluster's records and charges, without ids, sources and times of writing."""
    records = list(
        UsageRecord.objects.filter(cluster=cluster)
        .order_by("job_id")
        .values_list(
            "job_id", "submit", "start", "elapsed_seconds", "account", "user", "partition",
            "state", "gpus", "final",
        )
    )  # fmt: skip
    charges = sorted(
        UsageCharge.objects.filter(record__cluster=cluster).values_list(
            "record__job_id", "project_code", "chip", "partition", "month", "day", "gpu_seconds"
        )
    )
    return records, charges


def rejects(cluster: str) -> list[tuple[int, str]]:
    return sorted(
        RejectedLine.objects.filter(source__startswith=f"{cluster}#").values_list(
            "line_no", "message"
        )
    )


def totals_match_charges() -> bool:
    sums: dict[tuple[str, str], int] = {}
    for project, chip, seconds in UsageCharge.objects.values_list(
        "project_code", "chip", "gpu_seconds"
    ):
        sums[project, chip] = sums.get((project, chip), 0) + seconds
    return sums == {(t.project_code, t.chip): t.gpu_seconds for t in UsageTotal.objects.all()}


@COMMITS
def test_on_postgresql_a_first_reading_is_written_by_the_writer_thread(
    postgres_only: None, ingest: Ingest, writes: list[str]
) -> None:
    report = ingest([sacct_line(str(job)) for job in range(1, 11)], batch_size=3)
    assert report.inserted == 10
    assert len(writes) == 4  # 3 + 3 + 3 + 1 records
    assert all(name.startswith("aisc-ingest-writer") for name in writes)
    assert IngestCursor.objects.get().position == "10"
    assert UsageRecord.objects.count() == 10


@COMMITS
def test_the_writer_thread_stores_what_the_inline_way_stores(
    postgres_only: None, ingest: Ingest, writes: list[str]
) -> None:
    lines = mixed_lines(1, 60)
    inline = ingest(lines, cluster="east", inline=True, batch_size=7)
    assert writes == []
    piped = ingest(lines, cluster="west", batch_size=7)
    assert len(writes) > 5
    assert stored("west") == stored("east")
    assert len(stored("west")[1]) > 60  # month ends and second chips give more charges than jobs
    assert rejects("west") == rejects("east")
    assert len(rejects("west")) == 5 + 4
    assert (piped.inserted, piped.corrected, piped.unchanged) == (inline.inserted, 0, 0)
    assert sorted(piped.projects) == sorted(inline.projects) == ["p2026a-001", "tenant-kc"]
    assert [r.line_no for r in piped.rejects] == [r.line_no for r in inline.rejects]
    assert totals_match_charges()
    positions = dict(IngestCursor.objects.values_list("source", "position"))
    assert sorted(positions.values()) == [str(inline.read)] * 2


@COMMITS
def test_a_key_of_the_batch_in_flight_waits_for_it_and_is_corrected(
    postgres_only: None, ingest: Ingest
) -> None:
    report = ingest(
        [
            sacct_line("1"),
            sacct_line("7", state="RUNNING", elapsed="01:00:00"),
            sacct_line("7", state="COMPLETED", elapsed="03:00:00"),  # in the next batch
            sacct_line("8"),
        ],
        batch_size=2,
    )
    assert (report.inserted, report.corrected) == (3, 1)
    record = UsageRecord.objects.get(job_id="7")
    assert (record.state, record.elapsed_seconds) == ("COMPLETED", 3 * 3600)
    assert sum(record.charges.values_list("gpu_seconds", flat=True)) == 8 * 3 * 3600
    assert totals_match_charges()


@COMMITS
def test_a_second_reading_goes_the_inline_way_and_changes_nothing(
    postgres_only: None, ingest: Ingest, writes: list[str]
) -> None:
    lines = mixed_lines(1, 30)
    ingest(lines, batch_size=4)
    before, calls = stored("aisc"), len(writes)
    again = ingest(list(reversed(lines)), batch_size=4)  # other text: read afresh
    assert len(writes) == calls
    assert (again.inserted, again.corrected) == (0, 0)
    assert again.unchanged == UsageRecord.objects.count()
    assert stored("aisc") == before
    assert totals_match_charges()


@COMMITS
def test_a_batch_another_writer_got_to_first_is_refused_and_written_inline(
    postgres_only: None, ingest: Ingest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another ingest commits between the plan of the second batch and its write: the writer
    finds the ids it planned taken and writes nothing; the rest goes the inline way."""
    real, calls = writer.commit, []

    def after_a_rival(plan: writer.Write) -> None:
        calls.append(plan.position)
        if len(calls) == 2:
            ingest([sacct_line("900")], cluster="rival", inline=True)
        real(plan)

    monkeypatch.setattr(writer, "commit", after_a_rival)
    report = ingest([sacct_line(str(job)) for job in range(1, 13)], batch_size=3)
    assert calls == [3, 6]  # the third and fourth batches were not given to the writer
    assert report.inserted == 12
    assert UsageRecord.objects.filter(cluster="aisc").count() == 12
    assert UsageRecord.objects.count() == 13
    ids = list(UsageRecord.objects.values_list("id", flat=True))
    assert len(set(ids)) == 13
    assert UsageCharge.objects.count() == 13
    assert totals_match_charges()
    assert IngestCursor.objects.get(source__startswith="aisc#").position == "12"


@COMMITS
def test_the_writer_refuses_a_plan_whose_records_are_stored_and_writes_nothing(
    postgres_only: None, ingest: Ingest
) -> None:
    ingest([sacct_line("5")], inline=True)
    plan = writer.Write(
        source="planned#1",
        position=1,
        first_id=next_record_id(),  # free ids, but the record itself is stored
        inserted=1,
        assumes={("aisc", "5", UsageRecord.objects.get().submit)},
        records=b"",
        charges=b"",
        rewritten=[],
        totals={("p2026a-001", "h800"): 1},
    )
    with pytest.raises(writer.Conflict, match="another writer came first"):
        writer.commit(plan)
    assert not IngestCursor.objects.filter(source="planned#1").exists()
    assert UsageTotal.objects.get().gpu_seconds == 8 * 3600


@COMMITS
def test_encode_gives_a_binary_copy_stream_that_postgresql_reads_back(
    postgres_only: None,
) -> None:
    rows = [(1, "p1", "h800", "h800", "2026-03", dt.date(2026, 3, 1), 60)]
    data = writer.encode(rows, CHARGE)
    assert data.startswith(b"PGCOPY\n\xff\r\n\0")
    assert data.endswith(b"\xff\xff")
    with transaction.atomic():
        writer.copy_stream(CHARGE, data)
    assert (
        list(
            UsageCharge.objects.values_list(
                "record_id", "project_code", "chip", "partition", "month", "day", "gpu_seconds"
            )
        )
        == rows
    )


@pytest.mark.django_db
def test_inside_a_transaction_the_ingest_writes_inline(ingest: Ingest, writes: list[str]) -> None:
    with transaction.atomic():
        assert not writer.thread_usable()
        report = ingest([sacct_line(str(job)) for job in range(1, 5)], batch_size=2)
    assert report.inserted == 4
    assert writes == []


@pytest.mark.django_db
def test_on_sqlite_the_ingest_writes_inline(ingest: Ingest, writes: list[str]) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's own check")
    assert not writer.thread_usable()
    assert ingest([sacct_line("1"), sacct_line("2")], batch_size=1).inserted == 2
    assert writes == []
