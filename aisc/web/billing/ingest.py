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

from django.db import connection, transaction
from django.utils import timezone

from aisc.adapters.slurm.usage import Parsed, Reject
from aisc.core.billing.rating import PriceBook
from aisc.core.errors import AiscError
from aisc.core.metering.records import UsageRecord, corrected
from aisc.web.billing import charges, ledger
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
    stored = {
        (r.cluster, r.job_id, r.submit): r
        for r in Row.objects.filter(job_id__in={rec.job_id for rec, _ in batch})
    }
    fresh: dict[tuple[object, ...], tuple[UsageRecord, Charges]] = {}
    changed: list[tuple[Row, UsageRecord]] = []
    for record, wanted in batch:
        row = stored.get(record.key)
        seen = fresh.get(record.key)
        keep = corrected(seen[0] if seen else (as_core(row) if row else None), record)
        if keep is None:
            report.unchanged += 1
        elif row is None:
            fresh[record.key] = (keep, wanted)
        else:
            changed.append((row, keep))
        report.projects.add(record.account)
    _insert(list(fresh.values()), report)
    _correct(changed, tz, report)


RECORD_COLUMNS = (
    "id, cluster, job_id, submit, start, elapsed_seconds, account, user, partition, state, gpus,"
    " final, source, updated_at"
)
CHARGE_COLUMNS = "record_id, project_code, chip, partition, month, day, gpu_seconds"


def _db_time(value: dt.datetime | None) -> Any:
    """SQLite keeps UTC text, as Django writes it; PostgreSQL takes the aware datetime."""
    if value is None or connection.vendor != "sqlite":
        return value
    return str(value.astimezone(dt.UTC).replace(tzinfo=None))


def _insert(records: list[tuple[UsageRecord, Charges]], report: IngestReport) -> None:
    """Plain INSERTs with executemany: the ORM's bulk_create spends most of a million-record
    ingest building SQL. Ids are assigned here, under the ingest lock, so charges can point at
    their records without reading the ids back."""
    if not records:
        return
    stamp = _db_time(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM billing_usagerecord")
        first_id = int(cursor.fetchone()[0]) + 1
        rows: list[tuple[Any, ...]] = []
        charge_rows: list[tuple[Any, ...]] = []
        for record_id, (r, wanted) in enumerate(records, start=first_id):
            rows.append(
                (
                    record_id,
                    r.cluster,
                    r.job_id,
                    _db_time(r.submit),
                    _db_time(r.start),
                    r.elapsed_seconds,
                    r.account,
                    r.user,
                    r.partition,
                    r.state,
                    encode_gpus(r.gpus),
                    r.final,
                    report.source,
                    stamp,
                )
            )
            charge_rows += [
                (record_id, r.account, chip, r.partition, month, day.isoformat(), sec)
                for (month, chip), (day, sec) in wanted.items()
                if sec
            ]
        cursor.executemany(
            f"INSERT INTO billing_usagerecord ({RECORD_COLUMNS}) VALUES ({', '.join(['%s'] * 14)})",  # noqa: S608 - constants only
            rows,
        )
        cursor.executemany(
            f"INSERT INTO billing_usagecharge ({CHARGE_COLUMNS}) VALUES ({', '.join(['%s'] * 7)})",  # noqa: S608 - constants only
            charge_rows,
        )
        if connection.vendor == "postgresql":
            # Ids were given explicitly; move the sequence past them for any other writer.
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('billing_usagerecord', 'id'), %s)",
                [first_id + len(rows) - 1],
            )
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
    UsageCharge.objects.filter(record_id__in=ids, period__isnull=True).delete()
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
    report.corrected += len(rows)
