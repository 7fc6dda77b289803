"""SQLite: the online backup API copies every page in one step under a read lock, so the copy is
one committed state even while the server and the worker write (WAL lets them go on)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from aisc.adapters.dbdump.base import DumpError


class SqliteCopy:
    suffix = "sqlite3"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def dump(self, path: Path, snapshot: str | None = None) -> None:
        if not self.path.exists():
            raise DumpError(f"the SQLite database {self.path} does not exist")
        try:
            source = sqlite3.connect(self.path, timeout=30)
            target = sqlite3.connect(path)
            try:
                source.backup(target)  # pages=-1: all at once, one consistent state
                # One self-contained file: no write-ahead log beside it.
                target.execute("PRAGMA journal_mode=DELETE")
            finally:
                target.close()
                source.close()
        except sqlite3.Error as exc:
            raise DumpError(f"SQLite backup of {self.path} failed: {exc}") from exc

    def restore(self, path: Path) -> None:
        """Put the copy in place whole: written beside the target, then renamed over it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        staged = self.path.with_name(f".{self.path.name}.restoring-{os.getpid()}")
        try:
            with path.open("rb") as src, staged.open("wb") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
                dst.flush()
                os.fsync(dst.fileno())
            for leftover in ("-wal", "-shm", "-journal"):
                Path(f"{self.path}{leftover}").unlink(missing_ok=True)
            staged.replace(self.path)
        except OSError as exc:
            staged.unlink(missing_ok=True)
            raise DumpError(f"cannot restore the SQLite database to {self.path}: {exc}") from exc
