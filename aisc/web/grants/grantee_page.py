"""The public grantee page (/grantees/), rendered once per version of the list.

The list changes only through do_* actions, and each writes an audit row naming what it changed:
an award (published with its call's results, decided as a starter grant, cancelled, completed),
the call, the application or the organisation (renamed). The first such row of a transaction
gives the list a new random version, inside that transaction (audit's `recorded` event), and the
transaction's later rows keep it (publishing a call's results writes the version once, not once
per award); every request reads the version first (one statement on one row) and renders only
when it changed. So the version is committed with the change itself: no request sees the new
version before the new list, and none keeps the old list under the new version, since the list
is read after the version. The version is a row in the database, not an entry in a cache
service: every worker of every host behind the proxy reads it at its next request, with nothing
else to run (Django's cache framework would need memcached or Redis for that, or its database
cache, which reads and unpickles the whole page where this reads one short string).

What is kept, per process: the page an anonymous visitor gets (the whole page: nothing in it is
personal) per language, mounting prefix and version, with a placeholder where the forms' CSRF
token goes, filled in per request; and for a signed-in visitor, whose page carries their address
and menu, only the table's rows. A request with messages waiting or a query string is rendered
whole, as any other page.
"""

from __future__ import annotations

import threading
from typing import Any

from django.contrib.messages import get_messages
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from aisc.web.audit import events as audit_events
from aisc.web.grants import queries
from aisc.web.grants.models import GranteeListVersion
from aisc.web.grants.public_models import new_version

# Audit rows of these object types can change what the list shows.
LISTED_OBJECTS = frozenset({"Award", "Call", "Application", "Organisation"})
# Stands for the CSRF token in a kept page: letters only, so escaping leaves it as it is.
TOKEN_PLACEHOLDER = "aiscCsrfTokenPlaceholderXq"  # noqa: S105 - not a secret: replaced per request
KEPT = 8  # renderings per process: languages × versions (the oldest is dropped)

_pages: dict[tuple[Any, ...], str] = {}
_rows: dict[tuple[Any, ...], str] = {}
_TABLE = GranteeListVersion._meta.db_table


class _Written(threading.local):
    """The version this thread's connection wrote in its open transaction, if any."""

    version: str | None = None


_written = _Written()


def _spent() -> None:
    _written.version = None


def on_recorded(row: audit_events.Recorded) -> None:
    """Within the action's transaction: the list may have changed. One new version per
    transaction is enough, since nobody else sees the list before its commit: a further row
    of the same transaction keeps the version written for the first, as long as it is still
    there (a rolled back savepoint or transaction takes it away) and no one has read it."""
    if row.object_type not in LISTED_OBJECTS:
        return
    if _written.version is not None and _written.version == _read():
        return
    written = new_version()
    moved = GranteeListVersion.objects.filter(pk=1).update(version=written)
    # No row: a test's flush emptied the table. Actions write one at a time (audit's chain
    # lock), so two cannot both create it.
    if not moved:
        GranteeListVersion.objects.create(pk=1, version=written)
    _written.version = written
    # Robust, as every on_commit callback of aisc (a test holds them to it): a callback that
    # raised before this one would leave the mark on a committed version, and the thread's next
    # change would keep that version.
    transaction.on_commit(_spent, robust=True)


def version() -> str:
    """The list's version, read by a request before it reads the list. Once read, the version
    is spent: a later change must write a new one (a test reads in the very transaction that
    changed the list, where a commit never comes)."""
    _spent()
    return _read()


def _read() -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {_TABLE} WHERE id = 1")  # noqa: S608 - our table's name
        found = cursor.fetchone()
    return str(found[0]) if found else ""


def forget() -> None:
    """Drop what this process kept (the tests: every test's database starts at one version)."""
    _pages.clear()
    _rows.clear()
    _spent()


def _keep(store: dict[tuple[Any, ...], str], key: tuple[Any, ...], html: str) -> str:
    while len(store) >= KEPT:
        del store[next(iter(store))]
    store[key] = html
    return html


def rows_html(request: HttpRequest, current: str) -> str:
    key = (current, get_language())
    if key in _rows:
        return _rows[key]
    rows = queries.grantees()
    suffix = "_zh" if (get_language() or "").startswith("zh") else "_en"
    for row in rows:
        for name in ("organisation", "title"):
            row[name] = row[name + suffix]
    return _keep(_rows, key, render_to_string("grants/grantee_rows.html", {"rows": rows}, request))


def _page(request: HttpRequest, current: str, **extra: Any) -> HttpResponse:
    html = mark_safe(rows_html(request, current))  # noqa: S308 - rendered by the template engine, escaped there
    return render(request, "grants/grantees.html", {"rows_html": html, **extra})


def grantees(request: HttpRequest) -> HttpResponse:
    current = version()
    if request.user.is_authenticated or request.GET or len(get_messages(request)):
        return _page(request, current)
    key = (current, get_language(), get_script_prefix())
    if key not in _pages:
        page = _page(request, current, csrf_token=TOKEN_PLACEHOLDER)
        _keep(_pages, key, page.content.decode())
    return HttpResponse(_pages[key].replace(TOKEN_PLACEHOLDER, get_token(request)))
