"""The database's append-only triggers (audit, billing) lifted for a moment: what an attacker with
the database owner's rights can do, and what the flush after a committing test needs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection


def _pg_tables(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger "
        "WHERE NOT tgisinternal AND (tgname LIKE '%%append_only' OR tgname LIKE '%%no_truncate')"
    )
    return sorted(row[0] for row in cursor.fetchall())


@contextmanager
def lifted() -> Iterator[list[str]]:
    """Inside: UPDATE, DELETE and TRUNCATE work on every append-only table (yielded); after:
    refused again."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE refuses a table with foreign-key checks still deferred in this
            # transaction (rows the test just wrote): run those checks now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            tables = _pg_tables(cursor)
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            try:
                yield tables
            finally:
                for table in tables:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            return
        cursor.execute(
            "SELECT name, tbl_name, sql FROM sqlite_master "
            "WHERE type = 'trigger' AND sql LIKE '%append-only%'"
        )
        triggers = cursor.fetchall()
        for name, _table, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        try:
            yield sorted({table for _name, table, _sql in triggers})
        finally:
            for _name, _table, sql in triggers:
                cursor.execute(sql)


def empty_append_only_tables() -> None:
    """Before the flush that ends a committing test, which cannot empty these tables itself."""
    with lifted() as tables, connection.cursor() as cursor:
        if not tables:
            return
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
            return
        cursor.execute("PRAGMA foreign_keys = OFF")
        for table in tables:
            cursor.execute(f'DELETE FROM "{table}"')  # noqa: S608 - names from sqlite_master
        cursor.execute("PRAGMA foreign_keys = ON")
