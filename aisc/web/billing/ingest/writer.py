"""The one writer of usage: a batch's rows, totals, rejects and checkpoint in one transaction.

New records and charges go in with COPY (binary format) on PostgreSQL and `executemany` on SQLite:
the ORM's bulk_create spent most of a million-record ingest building SQL. Rewritten records are
updated with `executemany` on both. Record ids are given by the ingest under the writers' lock
(`lock.take`), so each charge names its record without reading ids back. A batch and the
checkpoint that says it was read commit together: a kill -9 loses at most the batches not
committed, which a rerun reads again.

On PostgreSQL, outside a caller's transaction, a batch of new records may be written by a thread
of its own (`thread`) while the caller plans the next one: the ingest's client and server work on
two cores at once. The thread's batch was planned outside the lock, so what it assumed is checked
again under it; if another writer came first, `Conflict` (nothing written) and the caller writes
the batch again the inline way. The thread runs a dozen statements a batch and needs the GIL only
between them (the switch interval is 0.5 ms while it runs, against Python's 5 ms, so it is not
kept waiting). The rows are encoded in the caller's thread (`prepare`), not in this one: a
thread that encodes holds the GIL row by row, and so costs the caller more than it saves.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, connections, transaction
from django.utils import timezone
from psycopg.copy import Copy, FileWriter

from aisc.adapters.slurm.usage import Reject
from aisc.core.metering.records import RecordKey
from aisc.web.billing import lock
from aisc.web.billing.ingest import rows, stored
from aisc.web.billing.ingest.rows import Table, Totals
from aisc.web.billing.models import IngestCursor, RejectedLine, UsageTotal

# While the thread runs: how long it may wait for the GIL after each statement. Python's 5 ms
# default would make it wait that long a dozen times a batch (~60 ms, half a batch's work).
SWITCH_INTERVAL = 0.0005


class Conflict(Exception):
    """The database no longer matches the plan (another writer came first): nothing was written."""


Data = bytes | Sequence[tuple[Any, ...]]  # a whole binary COPY stream, or rows for executemany


@dataclass
class Write:
    """One batch, ready to write."""

    source: str
    position: int  # the checkpoint once written: records of the reading read so far
    first_id: int  # new records have ids first_id .. first_id + inserted - 1
    inserted: int
    records: Data
    charges: Data
    rewritten: list[tuple[Any, ...]]
    totals: Totals
    rejects: list[Reject] = field(default_factory=list)
    # planned outside the lock: keys that must still be unstored (and first_id still free)
    assumes: set[RecordKey] | None = None

    @property
    def next_id(self) -> int:
        return self.first_id + self.inserted


def prepare(made: rows.Rows, **batch: Any) -> Write:
    """The batch's rows as a Write; on PostgreSQL the new rows already in COPY's binary format
    (encoded here, in the caller's thread)."""
    records: Data = made.records
    charges: Data = made.charges
    if connection.vendor == "postgresql":
        records, charges = encode(made.records, rows.RECORD), encode(made.charges, rows.CHARGE)
    return Write(
        records=records,
        charges=charges,
        rewritten=made.rewritten,
        totals=made.totals,
        inserted=len(made.records),
        **batch,
    )


def write(batch: Write) -> None:
    """The batch and its checkpoint, in the caller's transaction, which holds the lock."""
    _add_totals(batch.totals)
    _insert(rows.RECORD, batch.records)
    _rewrite(batch.rewritten)
    _insert(rows.CHARGE, batch.charges)
    if batch.inserted and connection.vendor == "postgresql":
        _move_record_ids_past(batch.next_id - 1)
    store_rejects(batch.source, batch.rejects)
    IngestCursor.objects.update_or_create(
        source=batch.source,
        defaults={"position": str(batch.position), "updated_at": timezone.now()},
    )


def commit(batch: Write) -> None:
    """The batch in a transaction of its own (the thread's way); Conflict if what it was planned
    on no longer holds."""
    with transaction.atomic():
        lock.take()
        if batch.assumes is not None and (
            stored.next_record_id() != batch.first_id or stored.ids_of(batch.assumes)
        ):
            raise Conflict(f"batch ending at {batch.position}: another writer came first")
        write(batch)


def store_rejects(source: str, rejects: Sequence[Reject]) -> None:
    """Lines refused, for the rejects report; a line already stored for the source is kept."""
    RejectedLine.objects.bulk_create(
        [
            RejectedLine(source=source, line_no=r.line_no, line=r.line, message=r.message)
            for r in rejects
        ],
        ignore_conflicts=True,
    )


def encode(table_rows: Sequence[Sequence[Any]], table: Table) -> bytes:
    """The rows as a whole COPY ... (FORMAT BINARY) stream, header and trailer included:
    psycopg 3's binary COPY formats each row in C, and the server reads binary values instead of
    parsing text."""
    connection.ensure_connection()
    buffer = io.BytesIO()
    # A cursor of its own: set_types changes the cursor's adapters.
    with (
        connection.connection.cursor() as cursor,
        Copy(cursor, binary=True, writer=FileWriter(buffer)) as copy,
    ):
        copy.set_types(list(table.copy_types))
        for row in table_rows:
            copy.write_row(row)
    return buffer.getvalue()


def _insert(table: Table, data: Data) -> None:
    if isinstance(data, bytes):
        copy_stream(table, data)
    elif data:
        marks = ", ".join(["%s"] * len(table.columns))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table.name} ({table.quoted}) VALUES ({marks})",  # noqa: S608 - constants only
                data,
            )


def copy_stream(table: Table, data: bytes) -> None:
    """A whole binary COPY stream (rows encoded beforehand) into `table`."""
    statement = f"COPY {table.name} ({table.quoted}) FROM STDIN (FORMAT BINARY)"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:  # psycopg's cursor
        copy.write(data)


def _rewrite(records: Sequence[tuple[Any, ...]]) -> None:
    """Stored records replaced by a later reading, every column but the id and the key."""
    if not records:
        return
    at = [rows.RECORD.columns.index(column) for column in rows.REWRITTEN]
    assignments = ", ".join(f'"{column}" = %s' for column in rows.REWRITTEN)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {rows.RECORD.name} SET {assignments} WHERE id = %s",  # noqa: S608 - constants only
            [[row[i] for i in at] + [row[0]] for row in records],
        )


def _add_totals(sums: Totals) -> None:
    """GPU-seconds per (project, chip) of the batch's charges added to the usage totals: one
    upsert per project and chip."""
    values = [(project, chip, seconds) for (project, chip), seconds in sorted(sums.items())]
    if not values:
        return
    table = UsageTotal._meta.db_table
    upsert = (
        f"ON CONFLICT (project_code, chip) DO UPDATE "
        f"SET gpu_seconds = {table}.gpu_seconds + excluded.gpu_seconds"
    )
    insert = f"INSERT INTO {table} (project_code, chip, gpu_seconds)"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(f"{insert} VALUES (%s, %s, %s) {upsert}", values)
            return
        # PostgreSQL: one statement for the batch, the columns as three array parameters
        cursor.execute(
            f"{insert} SELECT * FROM unnest(%s::text[], %s::text[], %s::bigint[]) {upsert}",  # noqa: S608
            [list(column) for column in zip(*values, strict=True)],
        )


def _move_record_ids_past(last_id: int) -> None:
    """PostgreSQL: record ids were given explicitly; move the sequence past them for any other
    writer."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [rows.RECORD.name, last_id]
        )


def thread_usable() -> bool:
    """On PostgreSQL, outside a transaction of the caller's (a second connection would neither see
    its uncommitted rows nor commit with it)."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


class Thread:
    """One thread committing batches in the order given."""

    def __init__(self, pool: ThreadPoolExecutor) -> None:
        self._pool = pool

    def submit(self, batch: Write) -> Future[None]:
        return self._pool.submit(commit, batch)


@contextmanager
def thread() -> Iterator[Thread]:
    """A writer thread for one ingest; on the way out it waits for what is in flight, closes its
    own database connection, and puts the GIL switch interval back."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="aisc-ingest-writer")
    interval = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)
    try:
        yield Thread(pool)
    finally:
        try:
            pool.submit(connections.close_all).result()
        finally:
            pool.shutdown()
            sys.setswitchinterval(interval)
