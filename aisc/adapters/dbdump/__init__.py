"""Copies of the whole database for backups: a `DatabaseDump` Protocol, PostgreSQL's own tools
(`pg_dump -Fc`, `pg_restore`, run as argument lists) and SQLite's online backup API.

    dumper = for_database(config.database)
    dumper.dump(path, snapshot=None)   # a consistent copy of the database, written to path
    dumper.restore(path)               # into an empty database

Only adapters run other programs; the web and CLI layers call these.
"""

from __future__ import annotations

from aisc.adapters.dbdump.base import DatabaseDump, DumpError
from aisc.adapters.dbdump.postgres import PgDump
from aisc.adapters.dbdump.sqlite import SqliteCopy
from aisc.config import DatabaseConfig

__all__ = ["DatabaseDump", "DumpError", "PgDump", "SqliteCopy", "for_database"]


def for_database(database: DatabaseConfig) -> DatabaseDump:
    if database.engine == "sqlite":
        return SqliteCopy(database.name)
    return PgDump(database)
