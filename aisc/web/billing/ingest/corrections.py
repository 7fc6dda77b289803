"""Records read again: compared with what is stored, and corrected while their job was running.

A correction rewrites the record's row (records are keyed, not appended) and adds charge rows for
the difference (charges are append-only), with the usage totals moved by the same amounts.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Sequence

from django.utils import timezone

from aisc.core.metering.records import RecordKey, UsageRecord, corrected
from aisc.web.billing.ingest import charges, writer
from aisc.web.billing.models import UsageCharge
from aisc.web.billing.models import UsageRecord as Row


def stored_ids(wanted: set[RecordKey]) -> list[int]:
    """Ids of the records among `wanted` already stored: one indexed query per cluster."""
    by_cluster: dict[str, list[str]] = {}
    for cluster, job_id, _ in wanted:
        by_cluster.setdefault(cluster, []).append(job_id)
    return [
        row_id
        for cluster, job_ids in by_cluster.items()
        for row_id, job_id, submit in writer.stored_keys(cluster, job_ids)
        if (cluster, job_id, submit) in wanted
    ]


def stored(wanted: set[RecordKey]) -> dict[RecordKey, Row]:
    """The records among `wanted` already stored, by key: their ids (stored_ids), then whole
    rows only for those found (none in a first reading, all in a repeated one)."""
    ids = stored_ids(wanted)
    rows = Row.objects.filter(pk__in=ids) if ids else []
    return {(row.cluster, row.job_id, row.submit): row for row in rows}


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


def row_of(record: UsageRecord, source: str) -> Row:
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


def sort_readings(
    batch: Sequence[UsageRecord], stored: dict[RecordKey, Row]
) -> tuple[list[UsageRecord], list[tuple[Row, UsageRecord]], int]:
    """Records already stored or read twice in the batch (each already checked): the last
    reading of a key wins until its record is final. Returns the new records to insert, the
    stored ones to correct (row, new reading), and how many readings changed nothing."""
    fresh: dict[RecordKey, UsageRecord] = {}
    changed: list[tuple[Row, UsageRecord]] = []
    unchanged = 0
    for record in batch:
        key = record.key
        row = stored.get(key)
        seen = fresh.get(key)
        keep = corrected(seen or (as_core(row) if row else None), record)
        if keep is None:
            unchanged += 1
        elif row is None:
            fresh[key] = keep
        else:
            changed.append((row, keep))
    return list(fresh.values()), changed, unchanged


def correct(changed: list[tuple[Row, UsageRecord]], tz: zoneinfo.ZoneInfo, source: str) -> int:
    """Rewrites the records and adds charge rows for the differences; returns how many."""
    if not changed:
        return 0
    ids = [row.pk for row, _ in changed]
    existing: dict[int, list[UsageCharge]] = {}
    for charge in UsageCharge.objects.filter(record_id__in=ids):
        existing.setdefault(charge.record_id, []).append(charge)
    rows, new_charges = [], []
    for row, record in changed:
        updated = row_of(record, source)
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
    writer.add_totals(
        writer.sum_totals((c.project_code, c.chip, c.gpu_seconds) for c in new_charges)
    )
    return len(rows)
