"""`aisc notify digest`: send the daily digest mails now."""

from __future__ import annotations

import typer

from aisc.cli import boot

app = typer.Typer(help="Notification mails.", no_args_is_help=True)


@app.command()
def digest() -> None:
    """Send one mail to each user who chose the daily digest and has notifications waiting."""
    boot.django()
    from aisc.web.notify.mailing import send_digests

    typer.echo(f"digests sent: {send_digests()}")
