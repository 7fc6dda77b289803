"""Start Django for a CLI command; a configuration error prints one line and exits 2."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from aisc.config import Config
    from aisc.core.errors import AiscError

LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")  # gettext's order
# The --json flag of every command that prints what it did.
JSON = typer.Option(False, "--json", help="Machine-readable output.")


def fail(message: str, code: int = 2) -> None:
    typer.echo(f"aisc: {message}", err=True)
    raise typer.Exit(code)


def say(exc: AiscError) -> str:
    """A refusal of the core in the user's language: a locale naming Chinese (zh_HK.UTF-8,
    zh_TW, zh-Hant) gives zh-Hant, anything else English."""
    locale = next((os.environ[k] for k in LOCALE_VARIABLES if os.environ.get(k)), "")
    if not locale.lower().startswith("zh"):
        return exc.message
    django()
    from django.utils import translation

    from aisc.web.i18n import explain

    with translation.override("zh-hant"):
        return explain(exc)


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
