"""Databases of their own for tests that run aisc in real processes (workers, backup, restore).

On SQLite a file in the test's folder; on PostgreSQL a database on the server of the postgres
stage (the one the test database lives on), dropped afterwards. `migrated` copies a template that
is migrated once per session (a file copy; CREATE DATABASE … TEMPLATE), so each test pays
seconds, not a migration.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
AISC = [sys.executable, "-m", "aisc.cli.main"]
_templates: dict[str, str] = {}


class Target:
    """Where one aisc installation keeps its data: a database URL and a data directory."""

    def __init__(self, url: str, data_dir: Path) -> None:
        self.url, self.data_dir = url, data_dir
        self.data_dir.mkdir(parents=True, exist_ok=True)

    def env(self, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "AISC_DATABASE_URL": self.url,
            "AISC_DATA_DIR": str(self.data_dir),
            "AISC_SECRET_KEY": "x" * 50,
            # One key for every installation here, as an operator carries it to a restored host.
            "AISC_AUDIT_ANCHOR_KEY": "a" * 50,
            "AISC_EMAIL_URL": "memory://",
            **extra,
        }

    def aisc(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*AISC, *args], env=self.env(**extra), cwd=ROOT, capture_output=True, text=True
        )

    def start(self, argv: list[str], **extra: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            argv, env=self.env(**extra), cwd=ROOT, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        if self.url.startswith("sqlite:///"):
            with sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=30) as conn:
                return [tuple(r) for r in conn.execute(sql).fetchall()]
        with psycopg.connect(self.url, autocommit=True) as conn:
            return [tuple(r) for r in conn.execute(sql).fetchall()]

    def one(self, sql: str) -> Any:
        return self.rows(sql)[0][0]


def _server() -> str:
    s = connection.settings_dict
    return f"postgresql://{s['USER']}@{s['HOST']}:{s['PORT']}"


def _admin(sql: str) -> None:
    with psycopg.connect(f"{_server()}/postgres", autocommit=True) as admin:
        admin.execute(sql)


def _migrated_template(folder: Path) -> str:
    """A migrated database (SQLite: a file path; PostgreSQL: a database name), once a session."""
    vendor = connection.vendor
    if vendor not in _templates:
        if vendor == "sqlite":
            path = folder / "template.sqlite3"
            template = Target(f"sqlite:///{path}", folder / "template-data")
        else:
            name = f"aisc_tpl_{os.getpid()}"
            _admin(f"DROP DATABASE IF EXISTS {name}")
            _admin(f"CREATE DATABASE {name}")
            template = Target(f"{_server()}/{name}", folder / "template-data")
        done = template.aisc("migrate")
        assert done.returncode == 0, done.stdout + done.stderr
        _templates[vendor] = str(path) if vendor == "sqlite" else name
    return _templates[vendor]


@contextmanager
def own_database(folder: Path, *, migrated: bool) -> Iterator[Target]:
    """A Target of the test database's kind: empty, or migrated; removed afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        path = folder / "aisc.sqlite3"
        if migrated:
            shutil.copy(_migrated_template(folder.parent), path)
        yield Target(f"sqlite:///{path}", folder / "data")
        return
    name = f"aisc_own_{os.getpid()}_{folder.name}".lower().replace("-", "_")
    _admin(f"DROP DATABASE IF EXISTS {name}")
    template = f" TEMPLATE {_migrated_template(folder.parent)}" if migrated else ""
    _admin(f"CREATE DATABASE {name}{template}")
    try:
        yield Target(f"{_server()}/{name}", folder / "data")
    finally:
        _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def drop_templates() -> None:
    name = _templates.pop("postgresql", None)
    if name:
        _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def wait_for(
    what: str, check: Callable[[], bool], timeout: float = 60.0, interval: float = 0.05
) -> None:
    """Poll `check` until it holds (the state it waits on is in the database, not a duration)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)


def stop(proc: subprocess.Popen[str], timeout: float = 30.0) -> tuple[int, str]:
    """SIGTERM, then the exit status and everything the process printed."""
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=timeout)
    return proc.returncode, out
