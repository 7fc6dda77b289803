"""New usage records and their charges, written in bulk: executemany on SQLite, COPY on PostgreSQL.

The ORM's bulk_create spends most of a million-record ingest building SQL, so rows are plain
tuples here. Record ids are assigned under the ingest lock (ledger.lock), so each charge names its
record without reading ids back. Every call runs inside the caller's batch transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

RECORD_TABLE = "billing_usagerecord"
CHARGE_TABLE = "billing_usagecharge"
TOTAL_TABLE = "billing_usagetotal"
RECORD_COLUMNS = (
    "id",
    "cluster",
    "job_id",
    "submit",
    "start",
    "elapsed_seconds",
    "account",
    '"user"',
    "partition",
    "state",
    "gpus",
    "final",
    "source",
    "updated_at",
)
CHARGE_COLUMNS = ("record_id", "project_code", "chip", "partition", "month", "day", "gpu_seconds")
# PostgreSQL types of the columns, for binary COPY (varchar is sent as text: the same encoding)
RECORD_TYPES = (
    *("int8", "text", "text", "timestamptz", "timestamptz", "int8"),
    *("text", "text", "text", "text", "text", "bool", "text", "timestamptz"),
)
CHARGE_TYPES = ("int8", "text", "text", "text", "text", "date", "int8")


def on_sqlite() -> bool:
    return connection.vendor == "sqlite"


def next_record_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {RECORD_TABLE}")  # noqa: S608 - a constant
        return int(cursor.fetchone()[0])


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
    if others and on_sqlite():
        found += _select(cluster, f"job_id IN ({', '.join(['%s'] * len(others))})", others)
    elif others:
        found += _select(cluster, "job_id = ANY(%s)", [others])
    return found


def dense_ranges(job_ids: Sequence[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """Plain numeric ids grouped by length, as (first, last) where they are dense enough that a
    range holds few ids outside the batch; the ids left over. Within one length, text order is
    numeric order, so the range is exact but for ids of other shapes that sort between."""
    by_length: dict[int, list[int]] = {}
    others: list[str] = []
    for job_id in job_ids:
        if job_id.isascii() and job_id.isdigit() and (job_id[0] != "0" or len(job_id) == 1):
            by_length.setdefault(len(job_id), []).append(int(job_id))
        else:
            others.append(job_id)
    ranges = []
    for numbers in by_length.values():
        low, high = min(numbers), max(numbers)
        if high - low < 4 * len(numbers) + 64:
            ranges.append((str(low), str(high)))
        else:
            others += [str(number) for number in numbers]
    return ranges, others


def _select(cluster: str, where: str, params: list[Any]) -> list[tuple[int, str, dt.datetime]]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, job_id, submit FROM {RECORD_TABLE} "  # noqa: S608 - constants and marks only
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


def add_totals(charges: Iterable[tuple[str, str, int]]) -> None:
    """Add (project, chip, GPU-seconds) of charges just written to the per-project totals: one
    upsert per project and chip, in the caller's transaction."""
    sums: dict[tuple[str, str], int] = {}
    for project, chip, seconds in charges:
        sums[project, chip] = sums.get((project, chip), 0) + seconds
    rows = [(project, chip, seconds) for (project, chip), seconds in sorted(sums.items())]
    if not rows:
        return
    upsert = (
        f"ON CONFLICT (project_code, chip) DO UPDATE "
        f"SET gpu_seconds = {TOTAL_TABLE}.gpu_seconds + excluded.gpu_seconds"
    )
    with connection.cursor() as cursor:
        if on_sqlite():
            cursor.executemany(
                f"INSERT INTO {TOTAL_TABLE} (project_code, chip, gpu_seconds) "  # noqa: S608 - constants
                f"VALUES (%s, %s, %s) {upsert}",
                rows,
            )
            return
        # PostgreSQL: one statement for the batch, the columns as three array parameters
        cursor.execute(
            f"INSERT INTO {TOTAL_TABLE} (project_code, chip, gpu_seconds) "  # noqa: S608 - constants
            f"SELECT * FROM unnest(%s::text[], %s::text[], %s::bigint[]) {upsert}",
            [list(column) for column in zip(*rows, strict=True)],
        )


def insert(records: Sequence[tuple[Any, ...]], charges: Sequence[tuple[Any, ...]]) -> None:
    """Rows in RECORD_COLUMNS and CHARGE_COLUMNS order (times and days as text on SQLite, as
    datetimes and dates on PostgreSQL), and the charges' GPU-seconds added to the totals."""
    add_totals((row[1], row[2], row[6]) for row in charges)
    if on_sqlite():
        _executemany(RECORD_TABLE, RECORD_COLUMNS, records)
        _executemany(CHARGE_TABLE, CHARGE_COLUMNS, charges)
        return
    _copy(RECORD_TABLE, RECORD_COLUMNS, RECORD_TYPES, records)
    _copy(CHARGE_TABLE, CHARGE_COLUMNS, CHARGE_TYPES, charges)
    if records:
        # Ids were given explicitly; move the sequence past them for any other writer.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                [RECORD_TABLE, max(row[0] for row in records)],
            )


def _executemany(table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608 - constants only
            rows,
        )


def _copy(
    table: str, columns: Sequence[str], types: Sequence[str], rows: Iterable[tuple[Any, ...]]
) -> None:
    """psycopg 3's binary COPY FROM STDIN: one statement streams the whole batch, and the server
    reads binary values instead of parsing text."""
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(list(types))
            for row in rows:
                copy.write_row(row)
