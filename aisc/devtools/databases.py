"""Scratch databases: a uniquely named database made for one run and dropped after it.

The browser tests' production server, the web benchmarks and the billing benchmark each need a
database of their own beside the test database, on the same PostgreSQL server (scripts/
pg-test-server's, or the one the caller names). One context manager makes it, so every caller
drops what it made, also when the run fails half-way: `DROP DATABASE … WITH (FORCE)` ends the
connections a server or a worker still holds (PostgreSQL 13 or later).
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql


def on_server(url: str, name: str) -> str:
    """`url` (any database on a PostgreSQL server) with its database replaced by `name`; the
    user, host, port and query parameters (sslmode, ...) stay."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ValueError(f"not a PostgreSQL URL: {parts.scheme}://…")
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def scratch_database(server: str | None, prefix: str = "aisc_scratch") -> Iterator[str]:
    """Yields the URL of a new, empty database named `prefix` plus a random suffix on the
    PostgreSQL server of `server` (the URL of any database there); drops it afterwards. With
    `server` None, a SQLite file in a new temporary folder, removed afterwards."""
    if server is None:
        folder = tempfile.mkdtemp(prefix=f"{prefix}-")
        try:
            yield f"sqlite:///{folder}/{prefix}.sqlite3"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = on_server(server, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield on_server(server, name)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
