"""New records written by a second thread on PostgreSQL while the calling thread prepares the next
batch: the ingest's two halves, client and server, on two cores at once.

Why: on PostgreSQL the server does about half of a first reading's work (the COPY into two tables
and their indexes). Written inline, the client waits for the server batch after batch, and the
server waits for the client in between. Here the calling thread does all of a batch's Python
work (its rows, and their bytes in COPY's binary format, which psycopg encodes in C) while the
writer thread commits the batch before. The writer runs a handful of statements per batch and
holds the GIL only between them, so the threads do not fight over it: an earlier attempt whose
thread also encoded the rows (row by row, holding the GIL) lost more to GIL hand-offs than it
gained.

What holds as inline: each batch and its checkpoint commit together, in order, one transaction
each, under `lock.take`; a kill -9 loses at most batches not committed, which a rerun reads
again. What the plan assumed (no record of the batch stored; its record ids free) is checked
again under the lock: if another writer got there first, the batch is refused (Conflict, nothing
written) and the ingest writes it the inline way.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, connections, transaction
from django.utils import timezone

from aisc.adapters.slurm.usage import Reject
from aisc.core.metering.records import RecordKey
from aisc.web.billing import lock
from aisc.web.billing.ingest import corrections, writer
from aisc.web.billing.models import IngestCursor

# While the pipeline runs: how long the writer may wait for the GIL after each statement. Python's
# 5 ms default would make it wait that long a dozen times a batch (~60 ms, half a batch's work).
SWITCH_INTERVAL = 0.0005


class Conflict(Exception):
    """The database no longer matches the plan (another writer came first): nothing was written."""


@dataclass
class Plan:
    """One batch of new records, ready to write: COPY bytes, totals, and what it assumed."""

    source: str
    position: int  # the checkpoint once written: the index after the batch's last line
    first_id: int  # ids first_id .. first_id + count - 1 were free when planned
    count: int
    keys: set[RecordKey]  # the batch's records, checked again under the lock
    records: bytes
    charges: bytes
    totals: writer.Totals
    rejects: list[Reject] = field(default_factory=list)
    accounts: set[str] = field(default_factory=set)

    @property
    def next_id(self) -> int:
        return self.first_id + self.count


def usable() -> bool:
    """On PostgreSQL, outside a transaction of the caller's (a second connection would neither see
    its uncommitted rows nor commit with it)."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def write(plan: Plan) -> None:
    """The batch and its checkpoint in one transaction (in the writer thread); Conflict if the
    plan's assumptions no longer hold."""
    with transaction.atomic():
        lock.take()
        if writer.next_record_id() != plan.first_id or corrections.stored_ids(plan.keys):
            raise Conflict(f"batch ending at {plan.position}: another writer came first")
        writer.add_totals(plan.totals)
        writer.copy_stream(writer.RECORD_TABLE, writer.RECORD_COLUMNS, plan.records)
        writer.copy_stream(writer.CHARGE_TABLE, writer.CHARGE_COLUMNS, plan.charges)
        if plan.count:
            writer.move_record_ids_past(plan.next_id - 1)
        writer.store_rejects(plan.source, plan.rejects)
        IngestCursor.objects.update_or_create(
            source=plan.source,
            defaults={"position": str(plan.position), "updated_at": timezone.now()},
        )


class Writer:
    """One thread writing plans in the order given; at most one in flight."""

    def __init__(self, pool: ThreadPoolExecutor) -> None:
        self._pool = pool

    def submit(self, plan: Plan) -> Future[None]:
        return self._pool.submit(write, plan)


@contextmanager
def thread() -> Iterator[Writer]:
    """A writer thread for one ingest; on the way out it waits for what is in flight, closes its
    own database connection, and puts the GIL switch interval back."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="aisc-ingest-writer")
    interval = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)
    try:
        yield Writer(pool)
    finally:
        try:
            pool.submit(connections.close_all).result()
        finally:
            pool.shutdown()
            sys.setswitchinterval(interval)
