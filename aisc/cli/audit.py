"""`aisc audit verify` walks the hash chain (and checks it against a signed anchor);
`aisc audit anchor` writes the signed head of the chain to a file outside the database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aisc.cli import boot

app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


@app.command()
def verify(
    anchor: Annotated[
        Path | None,
        typer.Option(
            "--anchor",
            help="A file `aisc audit anchor` or the worker wrote; the chain must still hold "
            "its head at its row count.",
        ),
    ] = None,
) -> None:
    """Exit non-zero naming the first row whose hash, seal or anchored head does not hold."""
    boot.django()
    from aisc.web.audit import anchor as anchors
    from aisc.web.audit.models import AuditEvent
    from aisc.web.audit.record import verify as verify_chain

    try:
        against = anchors.read(anchor) if anchor is not None else None
    except anchors.AnchorError as exc:
        boot.fail(str(exc))
        return
    broken = verify_chain(against)
    if broken is not None:
        typer.echo(f"audit chain broken at row {broken.row_id}: {broken.reason}", err=True)
        raise typer.Exit(1)
    held = f"; the anchor of {against.at} ({against.rows} rows) holds" if against else ""
    typer.echo(f"audit chain intact: {AuditEvent.objects.count()} rows{held}")


@app.command("anchor")
def anchor_command(
    out: Annotated[Path, typer.Option("--out", help="Where to write the signed head (JSON).")],
) -> None:
    """Sign the chain's head (row count, last id and hash) with AISC_AUDIT_ANCHOR_KEY."""
    boot.django()
    from aisc.web.audit import anchor as anchors

    head = anchors.current_head()
    try:
        anchors.write(out, head)
    except anchors.AnchorError as exc:
        boot.fail(str(exc), code=1)
    typer.echo(f"audit anchor written to {out}: {head.rows} rows, head row {head.last_id}")
