"""New usage records and their charges, written in bulk: executemany on SQLite, COPY on PostgreSQL.

The ORM's bulk_create spends most of a million-record ingest building SQL, so rows are plain
tuples here. Record ids are assigned under the ingest lock (ledger.lock), so each charge names its
record without reading ids back. Every call runs inside the caller's batch transaction.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from psycopg.copy import Copy, FileWriter

from aisc.adapters.slurm.usage import Reject
from aisc.web.billing.models import RejectedLine

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
# A plain job number: ASCII digits ([0-9], not \d, which takes other scripts' digits), no leading 0
_PLAIN_ID = re.compile(r"0|[1-9][0-9]*")


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


Totals = dict[tuple[str, str], int]  # (project, chip) -> GPU-seconds


def sum_totals(charges: Iterable[tuple[str, str, int]]) -> Totals:
    """(project, chip, GPU-seconds) of charges, summed per project and chip."""
    sums: Totals = {}
    for project, chip, seconds in charges:
        sums[project, chip] = sums.get((project, chip), 0) + seconds
    return sums


def add_totals(sums: Totals) -> None:
    """Add GPU-seconds per (project, chip) of charges just written to the per-project totals:
    one upsert per project and chip, in the caller's transaction."""
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


def insert(
    records: Sequence[tuple[Any, ...]], charges: Sequence[tuple[Any, ...]], totals: Totals
) -> None:
    """Rows in RECORD_COLUMNS and CHARGE_COLUMNS order (times and days as text on SQLite, as
    datetimes and dates on PostgreSQL), and `totals`, the charges' GPU-seconds per project and
    chip (the caller sums them as it builds the rows), added to the totals."""
    add_totals(totals)
    if on_sqlite():
        _executemany(RECORD_TABLE, RECORD_COLUMNS, records)
        _executemany(CHARGE_TABLE, CHARGE_COLUMNS, charges)
        return
    _copy(RECORD_TABLE, RECORD_COLUMNS, RECORD_TYPES, records)
    _copy(CHARGE_TABLE, CHARGE_COLUMNS, CHARGE_TYPES, charges)
    if records:
        move_record_ids_past(max(row[0] for row in records))


def move_record_ids_past(last_id: int) -> None:
    """PostgreSQL: record ids were given explicitly; move the sequence past them for any other
    writer."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [RECORD_TABLE, last_id]
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
    copy_stream(table, columns, encode(rows, types))


def encode(rows: Iterable[Sequence[Any]], types: Sequence[str]) -> bytes:
    """The rows as a whole COPY ... (FORMAT BINARY) stream, header and trailer included:
    psycopg 3's binary COPY formats each row in C, and the server reads binary values instead of
    parsing text. Encoded apart from the sending, so that one thread can encode a batch while
    another sends the last (pipeline)."""
    connection.ensure_connection()
    buffer = io.BytesIO()
    # A cursor of its own: set_types changes the cursor's adapters.
    with (
        connection.connection.cursor() as cursor,
        Copy(cursor, binary=True, writer=FileWriter(buffer)) as copy,
    ):
        copy.set_types(list(types))
        for row in rows:
            copy.write_row(row)
    return buffer.getvalue()


def copy_stream(table: str, columns: Sequence[str], data: bytes) -> None:
    """A whole binary COPY stream (rows encoded beforehand, header and trailer included) into
    `table`, in the caller's transaction."""
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(_copy_statement(table, columns)) as copy,  # psycopg's cursor
    ):
        copy.write(data)


def _copy_statement(table: str, columns: Sequence[str]) -> str:
    return f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"


def store_rejects(source: str, rejects: Sequence[Reject]) -> None:
    """Lines refused, for the rejects report; a line already stored for the source is kept."""
    RejectedLine.objects.bulk_create(
        [
            RejectedLine(source=source, line_no=r.line_no, line=r.line, message=r.message)
            for r in rejects
        ],
        ignore_conflicts=True,
    )
