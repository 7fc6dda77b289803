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
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from aisc.adapters.slurm.usage import Parsed, Reject
from aisc.core.billing.rating import PriceBook
from aisc.core.errors import AiscError
from aisc.core.metering.records import RecordKey, UsageRecord, corrected
from aisc.web.billing import bulk, charges, ledger, pipeline, rows
from aisc.web.billing.models import IngestCursor, RejectedLine, UsageCharge
from aisc.web.billing.models import UsageRecord as Row
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


def ingest(
    parsed: Parsed,
    source: str,
    directory: Directory,
    prices: PriceBook,
    tz: zoneinfo.ZoneInfo,
    *,
    batch_size: int = BATCH,
) -> IngestReport:
    report = IngestReport(source=source, read=len(parsed.records))
    report.rejects.extend(parsed.rejects)
    cursor = IngestCursor.objects.filter(source=source).first()
    start = int(cursor.position) if cursor else 0
    report.resumed_at = start
    checker = Checker(directory, prices, tz)
    maker = rows.RowMaker(tz, checker.problem, source=source, postgres=not bulk.on_sqlite())
    _store_rejects(source, parsed.rejects)
    batches = [
        range(at, min(at + batch_size, len(parsed.records)))
        for at in range(start, len(parsed.records), batch_size)
    ]
    if pipeline.usable():
        _pipelined(parsed, batches, source, checker, maker, report)
    else:
        for lines in batches:
            _commit_inline(parsed, lines, source, checker, maker, report)
    return report


def _commit_inline(
    parsed: Parsed,
    lines: range,
    source: str,
    checker: Checker,
    maker: rows.RowMaker,
    report: IngestReport,
) -> None:
    """The batch and the checkpoint after it, in one transaction, in this thread."""
    with transaction.atomic():
        ledger.lock()
        bad = _ingest_batch(parsed, lines, checker, maker, report)
        _store_rejects(source, bad)
        IngestCursor.objects.update_or_create(
            source=source, defaults={"position": str(lines.stop), "updated_at": timezone.now()}
        )
    report.rejects.extend(bad)


def _pipelined(
    parsed: Parsed,
    batches: list[range],
    source: str,
    checker: Checker,
    maker: rows.RowMaker,
    report: IngestReport,
) -> None:
    """Batches of new records are planned here and written by pipeline's writer thread, one
    behind; any other batch (records stored already, a key twice) waits for the writer, then goes
    inline. After a conflict (another writer came first) the rest goes inline too."""
    in_flight: tuple[pipeline.Plan, range, Future[None]] | None = None
    next_id: int | None = None
    inline = False
    with pipeline.writer() as writer:
        for lines in batches:
            plan = None if inline else _plan(parsed, lines, source, maker, in_flight, next_id)
            if in_flight is not None and not _settle(*in_flight, report):
                inline = True
                _commit_inline(parsed, in_flight[1], source, checker, maker, report)
            in_flight = None
            if plan is None or inline:
                _commit_inline(parsed, lines, source, checker, maker, report)
                next_id = None
            else:
                in_flight, next_id = (plan, lines, writer.submit(plan)), plan.next_id
        if in_flight is not None and not _settle(*in_flight, report):
            _commit_inline(parsed, in_flight[1], source, checker, maker, report)


def _plan(
    parsed: Parsed,
    lines: range,
    source: str,
    maker: rows.RowMaker,
    in_flight: tuple[pipeline.Plan, range, Future[None]] | None,
    next_id: int | None,
) -> pipeline.Plan | None:
    """The batch as a plan for the writer, or None where it is not a batch of new records: a key
    read twice in it, a key of the batch in flight, or a record stored already."""
    records = parsed.records[lines.start : lines.stop]
    keys = [(r.cluster, r.job_id, r.submit) for r in records]
    distinct = set(keys)
    if len(distinct) < len(keys) or (in_flight is not None and distinct & in_flight[0].keys):
        return None
    if _stored(keys, distinct):
        return None
    first_id = bulk.next_record_id() if next_id is None else next_id
    built = maker.rows(records, first_id, maker.db_time(timezone.now()))
    job_ids: dict[str, list[str]] = {}
    for cluster, job_id, _ in keys:
        job_ids.setdefault(cluster, []).append(job_id)
    return pipeline.Plan(
        source=source,
        position=lines.stop,
        first_id=first_id,
        count=len(built.records),
        job_ids=job_ids,
        keys=distinct,
        records=pipeline.encode(built.records, bulk.RECORD_TYPES),
        charges=pipeline.encode(built.charges, bulk.CHARGE_TYPES),
        totals=built.totals,
        rejects=[
            Reject(parsed.line_nos[lines.start + k], parsed.lines[lines.start + k], message)
            for k, message in built.rejected
        ],
        accounts=built.accounts,
    )


def _settle(plan: pipeline.Plan, lines: range, written: Future[None], report: IngestReport) -> bool:
    """Waits for the batch; counts it in the report if it was written, False on a conflict."""
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
    stored = _stored(keys, distinct)
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
        _write_batch(good, stored, maker, report)
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
    built = maker.rows(records, bulk.next_record_id(), stamp)
    bulk.insert(built.records, built.charges, built.totals)
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


def _store_rejects(source: str, rejects: Sequence[Reject]) -> None:
    RejectedLine.objects.bulk_create(
        [
            RejectedLine(source=source, line_no=r.line_no, line=r.line, message=r.message)
            for r in rejects
        ],
        ignore_conflicts=True,
    )


def as_core(row: Row) -> UsageRecord:
    return UsageRecord(
        cluster=row.cluster,
        job_id=row.job_id,
        submit=row.submit,
        start=row.start,
        elapsed_seconds=row.elapsed_seconds,
        account=row.account,
        user=row.user,
        partition=row.partition,
        state=row.state,
        gpus=decode_gpus(row.gpus),
    )


def encode_gpus(gpus: tuple[tuple[str, int], ...]) -> str:
    return ",".join(f"{chip}={count}" for chip, count in gpus)


def decode_gpus(text: str) -> tuple[tuple[str, int], ...]:
    pairs = (part.split("=") for part in text.split(",") if part)
    return tuple((chip, int(count)) for chip, count in pairs)


def _row(record: UsageRecord, source: str) -> Row:
    return Row(
        cluster=record.cluster,
        job_id=record.job_id,
        submit=record.submit,
        start=record.start,
        elapsed_seconds=record.elapsed_seconds,
        account=record.account,
        user=record.user,
        partition=record.partition,
        state=record.state,
        gpus=encode_gpus(record.gpus),
        final=record.final,
        source=source,
    )


def _write_batch(
    batch: Sequence[UsageRecord],
    stored: dict[RecordKey, Row],
    maker: rows.RowMaker,
    report: IngestReport,
) -> None:
    """Records already stored or read twice in the batch (each already checked): the last
    reading of a key wins until its record is final; changes to stored ones are corrections."""
    fresh: dict[RecordKey, UsageRecord] = {}
    changed: list[tuple[Row, UsageRecord]] = []
    for record in batch:
        key = record.key
        row = stored.get(key)
        seen = fresh.get(key)
        keep = corrected(seen or (as_core(row) if row else None), record)
        if keep is None:
            report.unchanged += 1
        elif row is None:
            fresh[key] = keep
        else:
            changed.append((row, keep))
    report.projects.update(record.account for record in batch)
    _insert(list(fresh.values()), maker, report)
    _correct(changed, maker.tz, report)


def _stored(keys: Sequence[RecordKey], wanted: set[RecordKey]) -> dict[RecordKey, Row]:
    """The batch's records already stored, by key (`wanted` is the set of `keys`): one indexed
    query per cluster for the keys, then whole rows only for those found (none in a first
    reading, all in a repeated one)."""
    by_cluster: dict[str, list[str]] = {}
    for cluster, job_id, _ in keys:
        by_cluster.setdefault(cluster, []).append(job_id)
    ids = [
        row_id
        for cluster, job_ids in by_cluster.items()
        for row_id, job_id, submit in bulk.stored_keys(cluster, job_ids)
        if (cluster, job_id, submit) in wanted
    ]
    rows = Row.objects.filter(pk__in=ids) if ids else []
    return {(row.cluster, row.job_id, row.submit): row for row in rows}


def _correct(
    changed: list[tuple[Row, UsageRecord]], tz: zoneinfo.ZoneInfo, report: IngestReport
) -> None:
    if not changed:
        return
    ids = [row.pk for row, _ in changed]
    existing: dict[int, list[UsageCharge]] = {}
    for charge in UsageCharge.objects.filter(record_id__in=ids):
        existing.setdefault(charge.record_id, []).append(charge)
    rows, new_charges = [], []
    for row, record in changed:
        updated = _row(record, report.source)
        updated.pk = row.pk
        updated.updated_at = timezone.now()
        rows.append(updated)
        new_charges += charges.correction_rows(row.pk, record, existing.get(row.pk, []), tz)
    fields = [
        "start",
        "elapsed_seconds",
        "account",
        "user",
        "partition",
        "state",
        "gpus",
        "final",
        "source",
        "updated_at",
    ]
    Row.objects.bulk_update(rows, fields)
    UsageCharge.objects.bulk_create(new_charges)
    bulk.add_totals(bulk.sum_totals((c.project_code, c.chip, c.gpu_seconds) for c in new_charges))
    report.corrected += len(rows)
