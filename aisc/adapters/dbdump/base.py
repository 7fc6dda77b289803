"""The DatabaseDump Protocol and its one error."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol


class DumpError(Exception):
    """The dump or restore tool failed; the message is one line saying why."""


class DatabaseDump(Protocol):
    suffix: str  # how the dump file is named in an archive: "pgdump" or "sqlite3"

    def dump(self, path: Path, snapshot: str | None = None) -> None:
        """Write a consistent copy of the whole database to `path` (which must not exist).
        `snapshot` is a PostgreSQL snapshot id (pg_export_snapshot) to dump exactly what the
        caller's open transaction sees; SQLite copies in one step and takes none."""
        ...

    def restore(self, path: Path) -> None:
        """Load a dump written by `dump` into the (empty) database."""
        ...
