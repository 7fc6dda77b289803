"""PostgreSQL: `pg_dump -Fc` (one REPEATABLE READ snapshot, or the caller's exported one) and
`pg_restore` into an empty database. The password goes through PGPASSWORD, never the command
line; the tools come from PATH or from Debian's /usr/lib/postgresql/<version>/bin."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from aisc.adapters.dbdump.base import DumpError
from aisc.config import DatabaseConfig

TIMEOUT_S = 3600.0


def find_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    if candidates:
        return str(candidates[-1])
    raise DumpError(
        f"{name} is not installed on this machine (Debian: apt-get install postgresql-client)"
    )


class PgDump:
    suffix = "pgdump"

    def __init__(self, database: DatabaseConfig, timeout_s: float = TIMEOUT_S) -> None:
        self.database = database
        self.timeout_s = timeout_s

    def _connection_args(self) -> list[str]:
        db = self.database
        args = ["--dbname", db.name]
        if db.host:
            args += ["--host", db.host]
        if db.port:
            args += ["--port", db.port]
        if db.user:
            args += ["--username", db.user]
        return [*args, "--no-password"]

    def _run(self, argv: list[str]) -> None:
        env = {**os.environ}
        if self.database.password:
            env["PGPASSWORD"] = self.database.password
        try:
            done = subprocess.run(
                argv, env=env, capture_output=True, text=True, timeout=self.timeout_s, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise DumpError(
                f"{Path(argv[0]).name} took longer than {self.timeout_s:.0f} s"
            ) from exc
        except OSError as exc:
            raise DumpError(f"cannot run {argv[0]}: {exc}") from exc
        if done.returncode != 0:
            lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
            reason = lines[0] if lines else f"exit status {done.returncode}"
            raise DumpError(f"{Path(argv[0]).name} failed: {reason}")

    def dump(self, path: Path, snapshot: str | None = None) -> None:
        argv = [find_tool("pg_dump"), "--format=custom", "--file", str(path)]
        if snapshot:
            argv += ["--snapshot", snapshot]
        self._run([*argv, *self._connection_args()])

    def restore(self, path: Path) -> None:
        # One transaction: a restore that fails part-way leaves the database as empty as before.
        self._run(
            [
                find_tool("pg_restore"),
                "--exit-on-error",
                "--single-transaction",
                "--no-owner",
                "--no-privileges",
                *self._connection_args(),
                str(path),
            ]
        )
