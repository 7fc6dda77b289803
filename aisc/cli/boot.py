"""Start Django for a CLI command; a configuration error prints one line and exits 2."""

from __future__ import annotations

import json
import os
import re
import sys
from contextvars import ContextVar
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from aisc.config import Config
    from aisc.core.errors import AiscError

LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")  # gettext's order
# Whether the running command was given --json: its refusals are then JSON on stdout too.
_json_errors: ContextVar[bool] = ContextVar("json_errors", default=False)
# What a refusal's exit status says, as the API's error codes do.
ERROR_CODES = {1: "refused", 2: "invalid_input", 3: "unavailable"}
# "--year: must be ..." or "period: ...": the option or field a message starts by naming.
NAMED = re.compile(r"^(--[a-z][a-z0-9-]*|[a-z_][a-z0-9_.]*): ")


def forget_json() -> None:
    _json_errors.set(False)


def _remember_json(value: bool) -> bool:
    _json_errors.set(value)
    return value


def json_option(help: str = "Machine-readable output.") -> bool:
    """The --json flag of every command that prints what it did; read first (eager), so a
    refusal of any other option is already known to be wanted as JSON."""
    flag: bool = typer.Option(False, "--json", help=help, callback=_remember_json, is_eager=True)
    return flag


JSON = json_option()


def error_json(message: str, code: int, field: str | None = None) -> str:
    """A refusal in the API's shape: {"error": {"code", "message", "field"}}."""
    named = NAMED.match(message)
    field = field or (named.group(1) if named else None)
    body = {"code": ERROR_CODES.get(code, "failed"), "message": message, "field": field}
    return json.dumps({"error": body}, ensure_ascii=False)


def fail(message: str, code: int = 2, field: str | None = None) -> None:
    """One line on stderr and exit `code`; with --json the same refusal as JSON on stdout."""
    typer.echo(f"aisc: {message}", err=True)
    if _json_errors.get():
        typer.echo(error_json(message, code, field))
    raise typer.Exit(code)


def refuse(exc: AiscError, code: int = 2) -> None:
    """A refusal of the core or an action, in the user's language, naming its field."""
    fail(say(exc), code, exc.field)


def say(exc: AiscError) -> str:
    """A refusal of the core in the user's language: a locale naming Chinese (zh_HK.UTF-8,
    zh_TW, zh-Hant) gives zh-Hant, anything else English."""
    locale = next((os.environ[k] for k in LOCALE_VARIABLES if os.environ.get(k)), "")
    if not locale.lower().startswith("zh"):
        return exc.message
    django(database=False)  # the catalogue of messages, not the database
    from django.utils import translation

    from aisc.web.i18n import explain

    with translation.override("zh-hant"):
        return explain(exc)


def django(database: bool = True) -> None:
    """Import-time cost stays here, so `aisc --help` never pays it. With `database`, a command
    that reads or writes the database finds a wrong URL or a server that does not answer first,
    as one line (collectstatic and check work without one)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aisc.web.settings")
    from aisc.config import ConfigError

    try:
        import django as dj

        dj.setup()
    except ConfigError as exc:
        fail(str(exc))
    if database:
        _check_database()


def config() -> Config:
    """The configuration alone, without Django (the server's master process stays light)."""
    from aisc.config import ConfigError, load

    try:
        return load()
    except ConfigError as exc:
        fail(str(exc))
        raise  # fail() always raises; this tells the type checker


def _check_database() -> None:
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
