"""What is stored already of a batch's keys: the ids, the records, and their charges.

One keyed query per cluster finds a batch's stored records (by cluster and job ids, on the
unique key's index: a range scan per run of dense numeric ids, found with `min`/`max` on the ids
as text, which within one length is numeric order); whole rows are read only for the records
found (none in a first reading, all in a repeated one), and charges only for those found that are
not final (the only ones a reading may correct).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from django.db import connection

from aisc.core.metering.plan import Stored
from aisc.core.metering.records import RecordKey, UsageRecord
from aisc.web.billing.ingest import rows
from aisc.web.billing.models import UsageCharge
from aisc.web.billing.models import UsageRecord as Row

# A plain job number: ASCII digits ([0-9], not \d, which takes other scripts' digits), no leading 0
_PLAIN_ID = re.compile(r"0|[1-9][0-9]*")
_CLUSTER, _JOB_ID = itemgetter(0), itemgetter(1)  # of a record key


@dataclass(frozen=True)
class Found:
    """What is stored of a batch's keys: the records, by key (id, record), and the charges of
    those a reading may still correct, by id (a final record is never corrected:
    `records.corrected`), so the batch needs nothing more from the database before it is written."""

    records: Stored
    charges: dict[int, list[rows.Delta]]

    def all_new(self, keys: Collection[RecordKey], readings: int) -> bool:
        """Whether a batch of `readings` with these distinct `keys` is a first reading: no key
        stored and none read twice. Then every reading not refused is new, in order, which is
        what `aisc.core.metering.plan` would decide (a property test holds it to that)."""
        return not self.records and len(keys) == readings


def lookup(wanted: set[RecordKey]) -> Found:
    """The records among `wanted` already stored, and the charges of those not final."""
    ids = ids_of(wanted)
    rows_found = Row.objects.filter(pk__in=ids) if ids else []
    found = {(row.cluster, row.job_id, row.submit): (row.pk, as_core(row)) for row in rows_found}
    still_open = [row_id for row_id, record in found.values() if not record.final]
    return Found(found, charges(still_open) if still_open else {})


def next_record_id() -> int:
    """The first id no stored record has (the writer numbers new records under its lock)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {rows.RECORD.name}")  # noqa: S608 - a constant
        return int(cursor.fetchone()[0])


def ids_of(wanted: set[RecordKey]) -> list[int]:
    """Ids of the records among `wanted` already stored: one indexed query per cluster."""
    by_cluster: dict[str, list[str]] = {}
    clusters = set(map(_CLUSTER, wanted))
    if len(clusters) == 1:  # the usual batch, from one cluster: its job ids gathered in C
        by_cluster[clusters.pop()] = list(map(_JOB_ID, wanted))
    else:
        for cluster, job_id, _ in wanted:
            by_cluster.setdefault(cluster, []).append(job_id)
    return [
        row_id
        for cluster, job_ids in by_cluster.items()
        for row_id, job_id, submit in stored_keys(cluster, job_ids)
        if (cluster, job_id, submit) in wanted
    ]


def charges(record_ids: Sequence[int]) -> dict[int, list[rows.Delta]]:
    """The charges written so far for each record (corrections add delta rows to them)."""
    found: dict[int, list[rows.Delta]] = {}
    query = UsageCharge.objects.filter(record_id__in=list(record_ids)).values_list(
        "record_id", "project_code", "partition", "month", "chip", "day", "gpu_seconds"
    )
    for record_id, *charge in query:
        found.setdefault(record_id, []).append(tuple(charge))  # type: ignore[arg-type]
    return found


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


def decode_gpus(text: str) -> tuple[tuple[str, int], ...]:
    """The inverse of rows.encode_gpus."""
    pairs = (part.split("=") for part in text.split(",") if part)
    return tuple((chip, int(count)) for chip, count in pairs)


def stored_keys(cluster: str, job_ids: Sequence[str]) -> list[tuple[int, str, dt.datetime]]:
    """(id, job id, submit) of stored records of `cluster` whose job id is among `job_ids` (and
    maybe a few more, which the caller's key set leaves out), on the (cluster, job_id, submit)
    unique index: a range scan per run of dense numeric ids (Slurm numbers jobs in order, so a
    batch is one run), one probe per id for the rest. Probing 5,000 ids one by one cost as much
    as writing the batch."""
    ranges, others = dense_ranges(job_ids)
    found: list[tuple[int, str, dt.datetime]] = []
    for first, last in ranges:
        found += _select(cluster, "job_id BETWEEN %s AND %s", [first, last])
    if others and connection.vendor == "sqlite":
        found += _select(cluster, f"job_id IN ({', '.join(['%s'] * len(others))})", others)
    elif others:
        found += _select(cluster, "job_id = ANY(%s)", [others])
    return found


def dense_ranges(job_ids: Sequence[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """Plain numeric ids grouped by length, as (first, last) where they are dense enough that a
    range holds few ids outside the batch; the ids left over. Within one length, text order is
    numeric order, so the range is exact but for ids of other shapes that sort between, and the
    smallest and largest id are found as text (min/max and the shape check run in C: a Python
    loop over 5,000 ids per batch cost a million-record ingest seconds)."""
    plain: list[str] = []
    others: list[str] = []
    if all(map(_PLAIN_ID.fullmatch, job_ids)):
        plain = list(job_ids)
    else:
        for job_id in job_ids:
            (plain if _PLAIN_ID.fullmatch(job_id) else others).append(job_id)
    lengths = set(map(len, plain))
    ranges = []
    for length in sorted(lengths):
        group = plain if len(lengths) == 1 else [i for i in plain if len(i) == length]
        low, high = min(group), max(group)
        if int(high) - int(low) < 4 * len(group) + 64:
            ranges.append((low, high))
        else:
            others += group
    return ranges, others


def _select(cluster: str, where: str, params: list[Any]) -> list[tuple[int, str, dt.datetime]]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, job_id, submit FROM {rows.RECORD.name} "  # noqa: S608 - constants and marks only
            f"WHERE cluster = %s AND {where}",
            [cluster, *params],
        )
        return [(int(i), j, aware(s)) for i, j, s in cursor.fetchall()]


def aware(value: dt.datetime | str) -> dt.datetime:
    """A stored time as an aware UTC datetime: Django's SQLite converter gives naive UTC (text
    where no converter applies), PostgreSQL an aware datetime."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value
