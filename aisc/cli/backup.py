"""`aisc backup --out FILE` and `aisc restore FILE`: one archive of the database, the documents
and a manifest; a restore goes only into an empty installation and proves what it brought back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from aisc.cli import boot


def register(app: typer.Typer) -> None:
    app.command()(backup)
    app.command()(restore)


def _run(what: str, call: Any) -> Any:
    """The one error line, never a traceback: exit 1."""
    from aisc.web.backup.archive import BackupError

    try:
        return call()
    except BackupError as exc:
        boot.fail(f"{what}: {exc}", code=1)
    except Exception as exc:  # the operator gets one line; the cause is named
        boot.fail(f"{what} failed: {type(exc).__name__}: {exc}", code=1)


def backup(
    out: Annotated[Path, typer.Option("--out", help="The archive to write (a tar file).")],
    as_json: bool = boot.JSON,
) -> None:
    """Write the database, the uploaded documents and a manifest to one archive; safe while the
    server, the worker and an ingest run."""
    boot.django()
    from aisc.web.backup import service

    manifest = _run("backup", lambda: service.backup(out))
    summary = {
        "out": str(out.resolve()),
        "size": out.stat().st_size,
        "database": manifest["database"]["engine"],
        "documents": len(manifest["members"]) - 1,
        "audit_rows": manifest["figures"]["audit"]["rows"],
        "ledger_entries": manifest["figures"]["ledger"]["entries"],
        "usage_records": manifest["figures"]["usage"]["records"],
    }
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
        return
    typer.echo(
        f"backup written to {summary['out']} ({summary['size']} bytes): {summary['database']} "
        f"database, {summary['documents']} documents, {summary['audit_rows']} audit rows, "
        f"{summary['ledger_entries']} ledger entries, {summary['usage_records']} usage records"
    )


def restore(
    archive: Annotated[
        Path, typer.Argument(metavar="FILE", help="An archive `aisc backup` wrote.")
    ],
    as_json: bool = boot.JSON,
) -> None:
    """Restore into an empty database and files directory; then check the audit chain and that
    every figure of the manifest (ledger, usage, migrations) is found again."""
    boot.django()
    from aisc.web.backup import service

    report = _run("restore", lambda: service.restore(archive))
    if as_json:
        typer.echo(json.dumps(report, indent=2))
        return
    typer.echo(
        f"restored {report['restored_from']} (aisc {report['aisc_version']}, taken "
        f"{report['created_at']}): {report['documents']} documents, {report['audit_rows']} audit "
        f"rows, {report['ledger_entries']} ledger entries, {report['usage_records']} usage "
        "records; audit chain intact, ledger and usage totals equal the manifest's"
    )
