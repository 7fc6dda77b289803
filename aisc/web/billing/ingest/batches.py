"""Ingest parsed usage in batches: one transaction per batch, with its checkpoint.

Idempotent (records are keyed by cluster + job id + submit time; reading a record again changes
nothing unless the job was still running) and crash-safe (a batch and the cursor that says it was
read commit together, so a kill -9 at any point loses at most the batch in flight, which the rerun
reads again).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from aisc.adapters.slurm.usage import Parsed, Reject, collector_paused
from aisc.core.billing.rating import PriceBook
from aisc.core.errors import AiscError
from aisc.core.metering.records import UsageRecord
from aisc.web.billing import lock
from aisc.web.billing.ingest import charges, corrections, pipeline, rows, writer
from aisc.web.billing.models import IngestCursor
from aisc.web.billing.projects import Directory

# Records per transaction. Each batch adds one row per project and chip to the usage totals and
# costs the pipeline's writer a dozen round trips: a million records of 1,000 projects took 29.6 s
# to ingest on PostgreSQL in batches of 20,000, 37.3 s in batches of 5,000 (docs/benchmarks.md).
BATCH = 20_000
Charges = dict[tuple[str, str], tuple[dt.date, int]]


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


class Checker:
    """Refuses records of unknown accounts and of chips without a rate on the day of use.

    Answers are remembered per account and per (chip, partition, day): an ingest asks about a
    million records but only a few thousand distinct things. Days may be dates or ISO text."""

    def __init__(self, directory: Directory, prices: PriceBook, tz: zoneinfo.ZoneInfo) -> None:
        self.directory, self.prices, self.tz = directory, prices, tz
        self._accounts: dict[str, str | None] = {}
        self._priced: dict[tuple[str, str, object], str | None] = {}

    def problem(
        self, record: UsageRecord, wanted: Mapping[tuple[str, str], tuple[object, int]]
    ) -> str | None:
        account = record.account
        if account not in self._accounts:
            self._accounts[account] = _message(lambda: self.directory.get(account))
        problem = self._accounts[account]
        if problem is not None:
            return problem
        for (_, chip), (day, _) in wanted.items():
            where = (chip, record.partition, day)
            if where not in self._priced:
                self._priced[where] = self._price_problem(*where)
            problem = self._priced[where]
            if problem is not None:
                return problem
        return None

    def _price_problem(self, chip: str, partition: str, day: object) -> str | None:
        on = dt.date.fromisoformat(day) if isinstance(day, str) else day
        return _message(lambda: self.prices.price(chip, partition, on))  # type: ignore[arg-type]


def _message(check: Callable[[], object]) -> str | None:
    try:
        check()
    except AiscError as exc:
        return exc.message
    return None


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
    checker = Checker(directory, prices, tz)
    maker = rows.RowMaker(tz, checker.problem, source=source, postgres=not writer.on_sqlite())
    batches = _batches(chunks, report)
    # As in the parse (usage.collector_paused): a chunk's records, rows and their tuples hold no
    # reference cycles, and full collections walked every live object for nothing, over and over
    # as chunks came and went (11 s of a million-record ingest).
    with collector_paused():
        if pipeline.usable():
            _pipelined(batches, checker, maker, report)
        else:
            for batch in batches:
                _commit_inline(batch, checker, maker, report)
    return report


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


def _commit_inline(
    batch: Batch, checker: Checker, maker: rows.RowMaker, report: IngestReport
) -> None:
    """The batch and the checkpoint after it, in one transaction, in this thread."""
    with transaction.atomic():
        lock.take()
        bad = _ingest_batch(batch.parsed, batch.lines, checker, maker, report)
        writer.store_rejects(report.source, bad)
        IngestCursor.objects.update_or_create(
            source=report.source,
            defaults={"position": str(batch.position), "updated_at": timezone.now()},
        )
    report.rejects.extend(bad)


InFlight = tuple[pipeline.Plan, Batch, Future[None]]


def _pipelined(
    batches: Iterable[Batch], checker: Checker, maker: rows.RowMaker, report: IngestReport
) -> None:
    """Batches of new records are planned here and written by pipeline's writer thread, one
    behind (the next chunk is read and planned while the writer writes); any other batch
    (records stored already, a key twice) waits for the writer, then goes inline. After a
    conflict (another writer came first) the rest goes inline too."""
    in_flight: InFlight | None = None
    next_id: int | None = None
    inline = False
    with pipeline.thread() as thread:
        for batch in batches:
            plan = None if inline else _plan(batch, maker, report.source, in_flight, next_id)
            if in_flight is not None and not _settle(in_flight, report):
                inline = True
                _commit_inline(in_flight[1], checker, maker, report)
            in_flight = None
            if plan is None or inline:
                _commit_inline(batch, checker, maker, report)
                next_id = None
            else:
                in_flight, next_id = (plan, batch, thread.submit(plan)), plan.next_id
        if in_flight is not None and not _settle(in_flight, report):
            _commit_inline(in_flight[1], checker, maker, report)


def _plan(
    batch: Batch,
    maker: rows.RowMaker,
    source: str,
    in_flight: InFlight | None,
    next_id: int | None,
) -> pipeline.Plan | None:
    """The batch as a plan for the writer, or None where it is not a batch of new records: a key
    read twice in it, a key of the batch in flight, or a record stored already."""
    parsed, lines = batch.parsed, batch.lines
    records = parsed.records[lines.start : lines.stop]
    keys = [(r.cluster, r.job_id, r.submit) for r in records]
    distinct = set(keys)
    if len(distinct) < len(keys) or (in_flight is not None and distinct & in_flight[0].keys):
        return None
    if corrections.stored_ids(distinct):
        return None
    first_id = writer.next_record_id() if next_id is None else next_id
    built = maker.rows(records, first_id, maker.db_time(timezone.now()))
    return pipeline.Plan(
        source=source,
        position=batch.position,
        first_id=first_id,
        count=len(built.records),
        keys=distinct,
        records=writer.encode(built.records, writer.RECORD_TYPES),
        charges=writer.encode(built.charges, writer.CHARGE_TYPES),
        totals=built.totals,
        rejects=[
            Reject(parsed.line_nos[lines.start + k], parsed.lines[lines.start + k], message)
            for k, message in built.rejected
        ],
        accounts=built.accounts,
    )


def _settle(in_flight: InFlight, report: IngestReport) -> bool:
    """Waits for the batch; counts it in the report if it was written, False on a conflict."""
    plan, _, written = in_flight
    try:
        written.result()
    except pipeline.Conflict:
        return False
    report.inserted += plan.count
    report.projects.update(plan.accounts)
    report.rejects.extend(plan.rejects)
    return True


def _ingest_batch(
    parsed: Parsed, lines: range, checker: Checker, maker: rows.RowMaker, report: IngestReport
) -> list[Reject]:
    """New records (the bulk of a first reading) go the fast way, rows.RowMaker; records already
    stored, or read twice in the batch, are compared with what is stored and corrected."""
    keys = [(r.cluster, r.job_id, r.submit) for r in parsed.records[lines.start : lines.stop]]
    distinct = set(keys)
    stored = corrections.stored(distinct)
    if not stored and len(distinct) == len(keys):
        new = list(lines)  # a first reading: every record is new, none twice
    else:
        times = Counter(keys)
        new = [
            i for i, key in zip(lines, keys, strict=True) if key not in stored and times[key] == 1
        ]
    bad = _insert_new(parsed, new, maker, report)
    if len(new) < len(lines):
        chosen = set(new)
        good, refused = _sort_out(parsed, [i for i in lines if i not in chosen], checker)
        fresh, changed, unchanged = corrections.sort_readings(good, stored)
        report.unchanged += unchanged
        report.projects.update(record.account for record in good)
        _insert(fresh, maker, report)
        report.corrected += corrections.correct(changed, maker.tz, report.source)
        bad += refused
    return sorted(bad, key=lambda reject: reject.line_no)


def _insert_new(
    parsed: Parsed, indices: list[int], maker: rows.RowMaker, report: IngestReport
) -> list[Reject]:
    refused = _insert([parsed.records[i] for i in indices], maker, report)
    return [
        Reject(parsed.line_nos[indices[k]], parsed.lines[indices[k]], message)
        for k, message in refused
    ]


def _insert(
    records: list[UsageRecord], maker: rows.RowMaker, report: IngestReport
) -> list[tuple[int, str]]:
    """Write new records and their charges; returns (index, reason) of those refused."""
    if not records:
        return []
    stamp = maker.db_time(timezone.now())
    built = maker.rows(records, writer.next_record_id(), stamp)
    writer.insert(built.records, built.charges, built.totals)
    report.inserted += len(built.records)
    report.projects.update(built.accounts)
    return built.rejected


def _sort_out(
    parsed: Parsed, indices: Sequence[int], checker: Checker
) -> tuple[list[UsageRecord], list[Reject]]:
    good: list[UsageRecord] = []
    bad: list[Reject] = []
    for i in indices:
        record = parsed.records[i]
        wanted = charges.desired(record, checker.tz)
        problem = checker.problem(record, wanted)
        if problem is None:
            good.append(record)
        else:
            bad.append(Reject(parsed.line_nos[i], parsed.lines[i], problem))
    return good, bad
