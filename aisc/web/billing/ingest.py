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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from aisc.adapters.slurm.usage import Parsed, Reject
from aisc.core.billing.rating import PriceBook
from aisc.core.errors import AiscError
from aisc.core.metering.records import FINAL_STATES, RecordKey, UsageRecord, corrected
from aisc.web.billing import bulk, charges, ledger
from aisc.web.billing.models import IngestCursor, RejectedLine, UsageCharge
from aisc.web.billing.models import UsageRecord as Row
from aisc.web.billing.projects import Directory

BATCH = 5000
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
    """Refuses records of unknown accounts and of chips without a rate on the day of use."""

    def __init__(self, directory: Directory, prices: PriceBook, tz: zoneinfo.ZoneInfo) -> None:
        self.directory, self.prices, self.tz = directory, prices, tz
        self._accounts: dict[str, str | None] = {}
        self._priced: dict[tuple[str, str, object], str | None] = {}

    def problem(self, record: UsageRecord, wanted: Charges) -> str | None:
        if record.account not in self._accounts:
            self._accounts[record.account] = _message(lambda: self.directory.get(record.account))
        problem = self._accounts[record.account]
        for (_, chip), (day, _) in wanted.items():
            where = (chip, record.partition, day)
            if where not in self._priced:
                self._priced[where] = _message(lambda: self.prices.price(*where))  # noqa: B023
            problem = problem or self._priced[where]
        return problem


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
    _store_rejects(source, parsed.rejects)
    for at in range(start, len(parsed.records), batch_size):
        end = min(at + batch_size, len(parsed.records))
        good, bad = _sort_out(parsed, at, end, checker)
        report.rejects.extend(bad)
        with transaction.atomic():
            ledger.lock()
            _write_batch(good, tz, report)
            _store_rejects(source, bad)
            IngestCursor.objects.update_or_create(
                source=source, defaults={"position": str(end), "updated_at": timezone.now()}
            )
    return report


def _sort_out(
    parsed: Parsed, at: int, end: int, checker: Checker
) -> tuple[list[tuple[UsageRecord, Charges]], list[Reject]]:
    good: list[tuple[UsageRecord, Charges]] = []
    bad: list[Reject] = []
    for i in range(at, end):
        record = parsed.records[i]
        wanted = charges.desired(record, checker.tz)
        problem = checker.problem(record, wanted)
        if problem is None:
            good.append((record, wanted))
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
    batch: Sequence[tuple[UsageRecord, Charges]], tz: zoneinfo.ZoneInfo, report: IngestReport
) -> None:
    stored = _stored(batch)
    fresh: dict[tuple[object, ...], tuple[UsageRecord, Charges]] = {}
    changed: list[tuple[Row, UsageRecord]] = []
    for record, wanted in batch:
        key = record.key
        row = stored.get(key)
        seen = fresh.get(key)
        keep = corrected(seen[0] if seen else (as_core(row) if row else None), record)
        if keep is None:
            report.unchanged += 1
        elif row is None:
            fresh[key] = (keep, wanted)
        else:
            changed.append((row, keep))
    report.projects.update(record.account for record, _ in batch)
    _insert(list(fresh.values()), report)
    _correct(changed, tz, report)


def _stored(batch: Sequence[tuple[UsageRecord, Charges]]) -> dict[RecordKey, Row]:
    """The batch's records already stored, by key: one indexed query per cluster for the keys,
    then whole rows only for those found (none in a first reading, all in a repeated one)."""
    by_cluster: dict[str, set[str]] = {}
    for record, _ in batch:
        by_cluster.setdefault(record.cluster, set()).add(record.job_id)
    wanted = {r.key for r, _ in batch}
    ids = [
        row_id
        for cluster, job_ids in by_cluster.items()
        for row_id, job_id, submit in bulk.stored_keys(cluster, sorted(job_ids))
        if (cluster, job_id, submit) in wanted
    ]
    rows = Row.objects.filter(pk__in=ids) if ids else []
    return {(row.cluster, row.job_id, row.submit): row for row in rows}


def _db_time(value: dt.datetime | None, on_sqlite: bool) -> Any:
    """SQLite keeps UTC text, as Django writes it; PostgreSQL takes the aware datetime."""
    return bulk.sqlite_time(value) if on_sqlite else value


def _insert(records: list[tuple[UsageRecord, Charges]], report: IngestReport) -> None:
    if not records:
        return
    on_sqlite = bulk.on_sqlite()
    stamp = _db_time(timezone.now(), on_sqlite)
    source = report.source
    rows: list[tuple[Any, ...]] = []
    charge_rows: list[tuple[Any, ...]] = []
    for record_id, (r, wanted) in enumerate(records, start=bulk.next_record_id()):
        rows.append(
            (
                record_id,
                r.cluster,
                r.job_id,
                _db_time(r.submit, on_sqlite),
                _db_time(r.start, on_sqlite),
                r.elapsed_seconds,
                r.account,
                r.user,
                r.partition,
                r.state,
                encode_gpus(r.gpus),
                r.state in FINAL_STATES,
                source,
                stamp,
            )
        )
        for (month, chip), (day, seconds) in wanted.items():
            if seconds:
                when = day.isoformat() if on_sqlite else day
                charge_rows.append((record_id, r.account, chip, r.partition, month, when, seconds))
    bulk.insert(rows, charge_rows)
    report.inserted += len(rows)


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
    bulk.add_totals((c.project_code, c.chip, c.gpu_seconds) for c in new_charges)
    report.corrected += len(rows)
