"""`aisc audit verify`: walk the hash chain."""

from __future__ import annotations

import typer

from aisc.cli import boot

app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


@app.command()
def verify() -> None:
    """Exit non-zero naming the first row whose hash does not chain."""
    boot.django()
    from aisc.web.audit.models import AuditEvent
    from aisc.web.audit.record import verify as verify_chain

    broken = verify_chain()
    if broken is not None:
        typer.echo(f"audit chain broken at row {broken.row_id}: {broken.reason}", err=True)
        raise typer.Exit(1)
    typer.echo(f"audit chain intact: {AuditEvent.objects.count()} rows")
