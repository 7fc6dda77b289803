"""`aisc`: one command with sub-commands. Heavy imports happen inside commands only."""

from __future__ import annotations

import typer

from aisc.cli import (
    audit,
    backup,
    billing,
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

for _name, _group in GROUPS:
    app.add_typer(_group, name=_name)

server.register(app)
worker.register(app)
backup.register(app)


def run() -> None:
    app()


if __name__ == "__main__":
    run()
