"""The figures a backup's manifest records and a restore must find again: the migrations applied,
the audit chain's head, the ledger's totals per account and the metered usage.

Read with plain SQL through any DB-API cursor, so they can be taken inside the snapshot a dump is
made from (PostgreSQL: the exporting transaction; SQLite: the copy itself), never from a moment
before or after it while the worker and an ingest go on writing.
"""

from __future__ import annotations

from typing import Any, Protocol


class Cursor(Protocol):
    def execute(self, sql: str) -> Any: ...

    def fetchall(self) -> list[Any]: ...


def _rows(cursor: Cursor, sql: str) -> list[tuple[Any, ...]]:
    cursor.execute(sql)
    return [tuple(row) for row in cursor.fetchall()]


def take(cursor: Cursor) -> dict[str, Any]:
    migrations = _rows(cursor, "SELECT app, name FROM django_migrations ORDER BY app, name")
    ((rows, last_id),) = _rows(
        cursor, "SELECT count(*), coalesce(max(id), 0) FROM audit_auditevent"
    )
    head = _rows(cursor, "SELECT hash FROM audit_auditevent ORDER BY id DESC LIMIT 1")
    accounts = _rows(
        cursor,
        "SELECT account, sum(amount_cents), count(*) FROM billing_ledgerposting "
        "GROUP BY account ORDER BY account",
    )
    ((entries,),) = _rows(cursor, "SELECT count(*) FROM billing_ledgerentry")
    ((records,),) = _rows(cursor, "SELECT count(*) FROM billing_usagerecord")
    ((charges, seconds),) = _rows(
        cursor, "SELECT count(*), coalesce(sum(gpu_seconds), 0) FROM billing_usagecharge"
    )
    ((totals,),) = _rows(cursor, "SELECT coalesce(sum(gpu_seconds), 0) FROM billing_usagetotal")
    return {
        "migrations": [f"{app}.{name}" for app, name in migrations],
        "audit": {"rows": int(rows), "last_id": int(last_id), "hash": head[0][0] if head else ""},
        "ledger": {
            "entries": int(entries),
            "accounts": {a: {"cents": int(c), "postings": int(n)} for a, c, n in accounts},
        },
        "usage": {
            "records": int(records),
            "charges": int(charges),
            "charged_gpu_seconds": int(seconds),
            "total_gpu_seconds": int(totals),
        },
    }


def differences(expected: dict[str, Any], found: dict[str, Any]) -> list[str]:
    """One line per figure that differs, naming it: empty when the restore brought all back."""
    lines: list[str] = []

    def walk(path: str, a: Any, b: Any) -> None:
        if isinstance(a, dict) and isinstance(b, dict):
            for key in sorted(set(a) | set(b)):
                walk(f"{path}.{key}" if path else key, a.get(key), b.get(key))
        elif a != b:
            lines.append(f"{path}: the manifest has {a!r}, the restored database {b!r}")

    walk("", expected, found)
    return lines
