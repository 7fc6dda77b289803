"""One writer of usage and statements at a time: ingest batches and period closes take this lock.

Closing reads the highest charge id as its watermark (closing.billed): a batch that committed a
lower id after that read would count as billed without being on any statement. Record ids are
also given out by the writer under this lock, so each charge names its record without reading ids
back.
"""

from __future__ import annotations

from django.db import connection

# An arbitrary constant that names this lock among PostgreSQL's advisory locks ("BILL").
_KEY = 0x42494C4C


def take() -> None:
    """Held until the caller's transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_KEY])
    # SQLite runs one writer at a time (transaction_mode IMMEDIATE), which is lock enough.
