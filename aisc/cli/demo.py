"""`aisc demo load`: create (or top up) the demo centre and print its logins."""

from __future__ import annotations

import json

import typer

from aisc.cli import boot

app = typer.Typer(help="The demo centre.", no_args_is_help=True)


@app.command()
def load(as_json: bool = boot.json_option("Print logins as JSON.")) -> None:
    """Idempotent: running it twice leaves one copy of everything."""
    boot.django()
    from aisc.web.demo_load import load_all

    report = load_all()
    if as_json:
        logins = [{"role": r, "email": e, "password": p} for r, e, p in report.logins]
        typer.echo(json.dumps({"logins": logins, "notes": report.notes}, indent=2))
        return
    typer.echo("Demo logins (all share one password):")
    for role, email, password in report.logins:
        typer.echo(f"  {role:<24} {email:<28} {password}")
    for note in report.notes:
        typer.echo(f"  · {note}")
