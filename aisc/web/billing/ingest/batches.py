"""A reading ingested batch by batch: each batch looked up, planned, made into rows and written.

The path of a batch, each step in its own module and none visited twice:
- a first reading (no key stored, none read twice, as `stored.Found.all_new` tells from the
  keys alone; most batches): `stored.lookup` (nothing is stored of its keys) → `rows.RowMaker` (each
  reading charged by `charges.Charger`, checked by `checks.Checker` and made into rows, in one
  pass) → `writer` (one transaction with the checkpoint);
- any other batch: `stored.lookup` (the records stored of its keys and the charges of those not
  final) → `checks.check` (each reading charged and checked: which readings are refused decides
  which are new) → `aisc.core.metering.plan` (which readings are new, corrected or unchanged) →
  `rows.RowMaker` (rows of the new readings and of the corrections) → `writer`.

Idempotent (records are keyed by cluster + job id + submit time; reading a record again changes
nothing unless the job was still running) and crash-safe (a batch and the cursor that says it was
read commit together, so a kill -9 at any point loses at most the batches not committed, which
the rerun reads again).
"""

from __future__ import annotations

import hashlib
import zoneinfo
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import cached_property

from django.db import connection, transaction
from django.utils import timezone

from aisc.adapters.slurm.usage import Parsed, Reject, collector_paused
from aisc.core.billing.rating import PriceBook
from aisc.core.metering.plan import plan
from aisc.core.metering.records import RecordKey, UsageRecord
from aisc.web.billing import lock
from aisc.web.billing.ingest import checks, rows, stored, writer
from aisc.web.billing.models import IngestCursor
from aisc.web.billing.projects import Directory

# Records per transaction. Each batch adds one row per project and chip to the usage totals and
# costs the writer a dozen round trips: a million records of 1,000 projects took 29.6 s
# to ingest on PostgreSQL in batches of 20,000, 37.3 s in batches of 5,000 (docs/benchmarks.md).
BATCH = 20_000


@dataclass
class IngestReport:
    source: str
    read: int = 0
    inserted: int = 0
    corrected: int = 0
    unchanged: int = 0
    resumed_at: int = 0
    projects: set[str] = field(default_factory=set)
    rejects: list[Reject] = field(default_factory=list)


def source_key(label: str, text: str) -> str:
    """A source is its content: reading other content (a running job read again) starts afresh,
    while the same content resumes at its checkpoint."""
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    return f"{label[:150]}#{digest}"


@dataclass(frozen=True)
class Batch:
    """Records `lines` of a chunk of the reading, of which `offset` records came before."""

    parsed: Parsed
    lines: range
    offset: int

    @property
    def position(self) -> int:
        """The checkpoint once the batch is written: records of the reading read so far."""
        return self.offset + self.lines.stop

    @cached_property
    def records(self) -> list[UsageRecord]:
        return self.parsed.records[self.lines.start : self.lines.stop]

    @cached_property
    def keys(self) -> set[RecordKey]:
        return {(r.cluster, r.job_id, r.submit) for r in self.records}


def split(parsed: Parsed, size: int) -> Iterator[Parsed]:
    """A whole reading as chunks of up to `size` records (the parse's rejects with the first)."""
    for at in range(0, max(len(parsed.records), 1), size):
        part = slice(at, at + size)
        first = at == 0
        yield Parsed(
            records=parsed.records[part],
            line_nos=parsed.line_nos[part],
            lines=parsed.lines[part],
            rejects=parsed.rejects if first else [],
            steps_skipped=parsed.steps_skipped if first else 0,
        )


def ingest_chunks(
    chunks: Iterable[Parsed],
    source: str,
    directory: Directory,
    prices: PriceBook,
    tz: zoneinfo.ZoneInfo,
) -> IngestReport:
    """Each chunk of the reading (as usage.parse_sacct_chunks gives them, read as they are
    asked for) is one batch; the checkpoint counts records from the reading's start."""
    report = IngestReport(source=source)
    cursor = IngestCursor.objects.filter(source=source).first()
    report.resumed_at = int(cursor.position) if cursor else 0
    checker = checks.Checker(directory, prices, tz)
    maker = rows.RowMaker(tz, checker.problem, source=source, postgres=not _on_sqlite())
    batches = _batches(chunks, report)
    # As in the parse (usage.collector_paused): a chunk's records, rows and their tuples hold no
    # reference cycles, and full collections walked every live object for nothing, over and over
    # as chunks came and went (11 s of a million-record ingest).
    with collector_paused():
        if writer.thread_usable():
            _with_thread(batches, maker, report)
        else:
            for batch in batches:
                _commit_inline(batch, maker, report)
    return report


def _on_sqlite() -> bool:
    return connection.vendor == "sqlite"


def _batches(chunks: Iterable[Parsed], report: IngestReport) -> Iterator[Batch]:
    """The chunks' batches from the checkpoint on; every chunk's parse rejects are stored (again:
    a rejected line is stored once) and reported."""
    offset = 0
    for chunk in chunks:
        report.read += len(chunk.records)
        report.rejects.extend(chunk.rejects)
        writer.store_rejects(report.source, chunk.rejects)
        count = len(chunk.records)
        if count and offset + count > report.resumed_at:
            yield Batch(chunk, range(max(report.resumed_at - offset, 0), count), offset)
        offset += count


@dataclass
class Planned:
    """A batch ready for the writer, and what the report counts of it once written."""

    write: writer.Write
    corrected: int
    unchanged: int
    accounts: set[str]


def _prepare(
    batch: Batch, maker: rows.RowMaker, source: str, *, first_id: int | None, ahead: bool
) -> Planned | None:
    """The batch planned and made into rows. `ahead`: planned outside the lock for the writer
    thread, and only if every record is new (None otherwise: the batch goes inline)."""
    parsed, lines, records, keys = batch.parsed, batch.lines, batch.records, batch.keys
    found = stored.lookup(keys)
    every_new = found.all_new(keys, len(records))
    if ahead and not every_new:
        return None  # a key stored already or read twice: the inline way sorts it out
    first = stored.next_record_id() if first_id is None else first_id
    corrected: list[tuple[int, int]] = []
    unchanged = 0
    if every_new:  # one pass: each reading charged, checked and made into rows
        stamp = maker.db_time(timezone.now())
        made = maker.rows(records, first, stamp)
    else:
        checked = checks.check(records, maker.charger, maker.problem)
        decided = plan(records, found.records, checked.refused)
        stamp = maker.db_time(timezone.now())
        made = maker.rows(records, first, stamp, (decided.new, checked))
        corrected, unchanged = decided.corrected, decided.unchanged
        maker.corrections(made, records, corrected, checked, found.charges, stamp)
    at = lines.start
    write = writer.prepare(
        made,
        source=source,
        position=batch.position,
        first_id=first,
        rejects=[
            Reject(parsed.line_nos[at + k], parsed.lines[at + k], why) for k, why in made.rejected
        ],
        assumes=keys if ahead else None,
    )
    return Planned(write, len(corrected), unchanged, made.accounts)


def _count(planned: Planned, report: IngestReport) -> None:
    report.inserted += planned.write.inserted
    report.corrected += planned.corrected
    report.unchanged += planned.unchanged
    report.projects.update(planned.accounts)
    report.rejects.extend(planned.write.rejects)


def _commit_inline(batch: Batch, maker: rows.RowMaker, report: IngestReport) -> None:
    """The batch planned and written in one transaction, under the lock, in this thread."""
    with transaction.atomic():
        lock.take()
        planned = _prepare(batch, maker, report.source, first_id=None, ahead=False)
        assert planned is not None  # only a batch planned ahead can be refused
        writer.write(planned.write)
    _count(planned, report)


InFlight = tuple[Planned, Batch, Future[None]]


def _with_thread(batches: Iterable[Batch], maker: rows.RowMaker, report: IngestReport) -> None:
    """Batches of new records are planned here and committed by the writer's thread, one
    behind (the next chunk is read and planned while the thread writes); any other batch
    (records stored already, a key twice, a key of the batch in flight) waits for the thread,
    then goes inline. After a conflict (another writer came first) the rest goes inline too."""
    in_flight: InFlight | None = None
    inline = False
    with writer.thread() as thread:
        for batch in batches:
            planned = None
            if not inline and not _shares_keys(batch, in_flight):
                next_id = in_flight[0].write.next_id if in_flight else None
                planned = _prepare(batch, maker, report.source, first_id=next_id, ahead=True)
            if in_flight is not None and not _written(in_flight, report):
                inline = True
                _commit_inline(in_flight[1], maker, report)
            in_flight = None
            if planned is None or inline:
                _commit_inline(batch, maker, report)
            else:
                in_flight = (planned, batch, thread.submit(planned.write))
        if in_flight is not None and not _written(in_flight, report):
            _commit_inline(in_flight[1], maker, report)


def _shares_keys(batch: Batch, in_flight: InFlight | None) -> bool:
    return in_flight is not None and not batch.keys.isdisjoint(in_flight[1].keys)


def _written(in_flight: InFlight, report: IngestReport) -> bool:
    """Waits for the batch; counts it in the report if it was written, False on a conflict."""
    planned, _, done = in_flight
    try:
        done.result()
    except writer.Conflict:
        return False
    _count(planned, report)
    return True
