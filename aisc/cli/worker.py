"""`aisc worker`: drain the outbox and run the periodic tasks, in a loop (or `--once`).

SIGTERM or SIGINT asks it to stop: it finishes the message or task it is running, records the
outcome, gives back any claim it still holds, marks its heartbeat stopped and exits 0. A second
signal stops it at once (its claims then lapse after the lease). A heartbeat thread beats every
few seconds, also while a long task runs, and renews the leases of what the worker holds.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType

import typer

from aisc.cli import boot

BEAT_SECONDS = 10.0


def register(app: typer.Typer) -> None:
    app.command()(worker)


def tick(worker_name: str | None = None, stop: Callable[[], bool] = lambda: False) -> list[str]:
    """One pass: deliver due outbox messages, then run the due periodic tasks."""
    from aisc.web import worker_tasks
    from aisc.web.outbox.dispatch import drain

    sent, failed = drain(worker=worker_name, stop=stop)
    lines = [f"outbox: {sent} sent, {failed} failed"] if sent or failed else []
    for outcome in worker_tasks.run_due(stop=stop):
        state = "ok" if outcome.ok else "FAILED"
        lines.append(f"task {outcome.name}: {state} {outcome.detail}".rstrip())
    return lines


def beat_until(name: str, stopped: threading.Event, every: float) -> None:
    """The heartbeat thread: its own database connection, closed when the worker stops."""
    import logging

    from django.db import DatabaseError, connections

    from aisc.web.outbox import heartbeat

    try:
        while not stopped.wait(every):
            try:
                heartbeat.beat(name)
            except DatabaseError:  # a busy SQLite or a database restart: beat next time
                logging.getLogger(__name__).warning("worker heartbeat not written", exc_info=True)
    finally:
        connections.close_all()


def worker(
    once: bool = typer.Option(False, "--once", help="Run one pass and exit (tests, cron)."),
    interval: float = typer.Option(5.0, min=0.1, help="Seconds between passes."),
    beat: float = typer.Option(BEAT_SECONDS, min=0.1, help="Seconds between heartbeats."),
) -> None:
    """Deliver side effects (mail, Slurm sync) and run periodic tasks until stopped."""
    boot.django()
    from aisc.web import worker_tasks
    from aisc.web.outbox import heartbeat

    stopping = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        if stopping.is_set():
            raise KeyboardInterrupt  # the second signal: stop now
        typer.echo(f"aisc worker: {signal.Signals(signum).name}: stopping after this step")
        stopping.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    me = heartbeat.start()
    beating = threading.Event()
    thread = threading.Thread(target=beat_until, args=(me.name, beating, beat), daemon=True)
    thread.start()
    names = ", ".join(t.name for t in worker_tasks.registered()) or "none"
    typer.echo(f"aisc worker {me.name}: periodic tasks: {names}")
    try:
        while not stopping.is_set():
            for line in tick(me.name, stopping.is_set):
                typer.echo(line)
            if once:
                break
            stopping.wait(interval)
    except KeyboardInterrupt:
        typer.echo("aisc worker: interrupted")
    finally:
        beating.set()
        thread.join()
        released = heartbeat.stop(me.name)
        typer.echo(f"aisc worker: stopped ({released} claims given back)")
