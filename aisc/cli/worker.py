"""`aisc worker`: drain the outbox and run the periodic tasks, in a loop (or `--once`)."""

from __future__ import annotations

import time

import typer

from aisc.cli import boot


def register(app: typer.Typer) -> None:
    app.command()(worker)


def tick() -> list[str]:
    """One pass: deliver due outbox messages, then run the due periodic tasks."""
    from aisc.web import worker_tasks
    from aisc.web.outbox.dispatch import drain

    sent, failed = drain()
    lines = [f"outbox: {sent} sent, {failed} failed"] if sent or failed else []
    for outcome in worker_tasks.run_due():
        state = "ok" if outcome.ok else "FAILED"
        lines.append(f"task {outcome.name}: {state} {outcome.detail}".rstrip())
    return lines


def worker(
    once: bool = typer.Option(False, "--once", help="Run one pass and exit (tests, cron)."),
    interval: float = typer.Option(5.0, min=0.1, help="Seconds between passes."),
) -> None:
    """Deliver side effects (mail, Slurm sync) and run periodic tasks until stopped."""
    boot.django()
    boot.check_database()
    from aisc.web import worker_tasks

    names = ", ".join(t.name for t in worker_tasks.registered()) or "none"
    typer.echo(f"aisc worker: periodic tasks: {names}")
    try:
        while True:
            for line in tick():
                typer.echo(line)
            if once:
                return
            time.sleep(interval)
    except KeyboardInterrupt:
        typer.echo("aisc worker: stopped")
