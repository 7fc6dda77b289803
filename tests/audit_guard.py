"""A test-only middleware that watches every successful write request to the API and the admin:
one that changed a table must have written an audit row in the same request. Installed for every
test by tests/conftest.py, so each API and admin write the suite exercises is checked."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.db import connections
from django.http import HttpRequest, HttpResponse

SAFE = {"GET", "HEAD", "OPTIONS"}
WATCHED = ("/api/", "/admin/")
_WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
# Bookkeeping that is not business state: sessions, log-in attempts and stamps, token use, the
# throttles' counts (the cache table).
EXEMPT = re.compile(
    r'^(django_session|axes_\w+|aisc_rate_count)$|^UPDATE\s+"?accounts_user"?\s+SET\s+"?last_login"?\b'
    r'|^UPDATE\s+"?accounts_apitoken"?\s+SET\s+"?last_used_at"?\b',
    re.IGNORECASE,
)
violations: list[str] = []


def written_tables(statements: list[str]) -> set[str]:
    tables = set()
    for sql in statements:
        match = _WRITE.match(sql)
        if match and not EXEMPT.match(match.group(2)) and not EXEMPT.match(sql.strip()):
            tables.add(match.group(2).lower())
    return tables


class AuditedWrites:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in SAFE or not request.path.startswith(WATCHED):
            return self.get_response(request)
        statements: list[str] = []

        def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            statements.append(sql)
            return execute(sql, params, many, context)

        with connections["default"].execute_wrapper(record):
            response = self.get_response(request)
        tables = written_tables(statements)
        if response.status_code < 400 and tables and "audit_auditevent" not in tables:
            violations.append(
                f"{request.method} {request.path} -> {response.status_code} wrote "
                f"{sorted(tables)} without an audit row"
            )
        return response
