"""`aisc`: one command with sub-commands. Heavy imports happen inside commands only."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="aisc",
    help="Run the AI Supercomputing Centre platform.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

# (name, module holding a Typer `app`): a new command group adds one line here.
GROUPS: list[tuple[str, str]] = [
    ("demo", "aisc.cli.demo"),
    ("audit", "aisc.cli.audit"),
    ("usage", "aisc.cli.usage"),
    ("billing", "aisc.cli.billing"),
    ("sim", "aisc.cli.sim"),
    ("notify", "aisc.cli.notify"),
    ("estimate", "aisc.cli.estimate"),
    ("slurm", "aisc.cli.slurm"),
    ("cluster", "aisc.cli.cluster"),
    ("outbox", "aisc.cli.outbox"),
    ("capacity", "aisc.cli.capacity"),
]

for _name, _module in GROUPS:
    app.add_typer(importlib.import_module(_module).app, name=_name)

importlib.import_module("aisc.cli.server").register(app)
importlib.import_module("aisc.cli.worker").register(app)
importlib.import_module("aisc.cli.backup").register(app)


def run() -> None:
    app()


if __name__ == "__main__":
    run()
