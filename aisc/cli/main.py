"""`aisc`: one command with sub-commands. Heavy imports happen inside commands only."""

from __future__ import annotations

import sys

import typer

from aisc.cli import (
    audit,
    backup,
    billing,
    boot,
    capacity,
    cluster,
    demo,
    estimate,
    notify,
    outbox,
    report,
    server,
    sim,
    slurm,
    usage,
    worker,
)

app = typer.Typer(
    name="aisc",
    help="Run the AI Supercomputing Centre platform.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

# (name, Typer app of the group): a new command group adds one line here.
GROUPS: list[tuple[str, typer.Typer]] = [
    ("demo", demo.app),
    ("audit", audit.app),
    ("usage", usage.app),
    ("billing", billing.app),
    ("sim", sim.app),
    ("notify", notify.app),
    ("estimate", estimate.app),
    ("slurm", slurm.app),
    ("cluster", cluster.app),
    ("outbox", outbox.app),
    ("capacity", capacity.app),
    ("report", report.app),
]


@app.callback()
def _each_run() -> None:
    # One process may run several commands (tests do): a command without --json must not
    # inherit the last one's wish.
    boot.forget_json()


for _name, _group in GROUPS:
    app.add_typer(_group, name=_name)

server.register(app)
worker.register(app)
backup.register(app)


def run() -> None:
    args = sys.argv[1:]
    if "--json" not in args:
        app()
        return
    # Asked for JSON: a refusal of the options themselves (a value out of range, one missing)
    # is JSON too, in the shape every other refusal has.
    try:
        code = app(args, standalone_mode=False)
    except typer.Abort:
        sys.exit(1)
    except Exception as exc:
        message = getattr(exc, "format_message", None)
        if message is None:
            raise
        status = int(getattr(exc, "exit_code", 2))
        param = getattr(exc, "param", None)
        field = param.opts[0] if param is not None and param.opts else None
        typer.echo(f"aisc: {message()}", err=True)
        typer.echo(boot.error_json(message(), status, field))
        sys.exit(status)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    run()
