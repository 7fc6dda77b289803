"""Start Django for a CLI command; a configuration error prints one line and exits 2."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from aisc.config import Config


def fail(message: str, code: int = 2) -> None:
    typer.echo(f"aisc: {message}", err=True)
    raise typer.Exit(code)


def django() -> None:
    """Import-time cost stays here, so `aisc --help` never pays it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aisc.web.settings")
    from aisc.config import ConfigError

    try:
        import django as dj

        dj.setup()
    except ConfigError as exc:
        fail(str(exc))


def config() -> Config:
    """The configuration alone, without Django (the server's master process stays light)."""
    from aisc.config import ConfigError, load

    try:
        return load()
    except ConfigError as exc:
        fail(str(exc))
        raise  # fail() always raises; this tells the type checker


def check_database() -> None:
    """Open a connection now, so a wrong database URL fails before anything else starts."""
    from django.db import connection
    from django.db.utils import OperationalError

    try:
        connection.ensure_connection()
    except OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        fail(f"AISC_DATABASE_URL: cannot connect to the database ({first})")


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()
