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


def on_sqlite() -> bool:
    return connection.vendor == "sqlite"


def next_record_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {RECORD_TABLE}")  # noqa: S608 - a constant
        return int(cursor.fetchone()[0])


def stored_keys(cluster: str, job_ids: Sequence[str]) -> list[tuple[int, str, dt.datetime]]:
    """(id, job id, submit) of the stored records of `cluster` among `job_ids`: one query on the
    (cluster, job_id, submit) unique index (PostgreSQL takes the ids as one array parameter)."""
    if not job_ids:
        return []
    params: list[Any] = [cluster]
    if on_sqlite():
        where = f"job_id IN ({', '.join(['%s'] * len(job_ids))})"
        params += job_ids
    else:
        where = "job_id = ANY(%s)"
        params.append(list(job_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, job_id, submit FROM {RECORD_TABLE} "  # noqa: S608 - constants and marks only
            f"WHERE cluster = %s AND {where}",
            params,
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
    """Rows in RECORD_COLUMNS and CHARGE_COLUMNS order (times already in the database's form),
    and the charges' GPU-seconds added to the totals."""
    add_totals((row[1], row[2], row[6]) for row in charges)
    if on_sqlite():
        _executemany(RECORD_TABLE, RECORD_COLUMNS, records)
        _executemany(CHARGE_TABLE, CHARGE_COLUMNS, charges)
        return
    _copy(RECORD_TABLE, RECORD_COLUMNS, records)
    _copy(CHARGE_TABLE, CHARGE_COLUMNS, charges)
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


def _copy(table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
    """psycopg 3's COPY FROM STDIN: one statement streams the whole batch."""
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
