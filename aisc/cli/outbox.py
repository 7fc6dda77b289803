"""`aisc outbox`: the worker's queue and its dead letters (list, retry, discard; audited)."""

from __future__ import annotations

import json
from typing import Any

import typer

from aisc.cli import boot

app = typer.Typer(
    help="The outbox the worker delivers, and its dead letters.", no_args_is_help=True
)


def _row(message: Any) -> dict[str, Any]:
    return {
        "id": message.pk,
        "kind": message.kind,
        "state": message.state,
        "attempts": message.attempts,
        "dead_at": message.dead_at.isoformat() if message.dead_at else None,
        "last_error": message.last_error,
    }


@app.command()
def status(as_json: bool = boot.JSON) -> None:
    """Running workers, messages waiting, the oldest one's wait, dead letters."""
    boot.django()
    from aisc.web.outbox import health

    workers = [w.name for w in health.running_workers()]
    facts: dict[str, Any] = {
        "workers": workers,
        "heartbeat_age_s": health.worker_heartbeat_age(),
        "depth": health.outbox_depth(),
        "lag_s": round(health.outbox_lag(), 1),
        "dead_letters": health.dead_letter_count(),
    }
    if as_json:
        typer.echo(json.dumps(facts, indent=2))
        return
    age = facts["heartbeat_age_s"]
    typer.echo(f"workers running: {len(workers)} " + " ".join(workers))
    typer.echo("last heartbeat: " + ("none" if age is None else f"{age:.0f} s ago"))
    typer.echo(f"waiting: {facts['depth']} (oldest due for {facts['lag_s']} s)")
    typer.echo(f"dead letters: {facts['dead_letters']}")


@app.command("dead-letters")
def dead_letters(as_json: bool = boot.JSON) -> None:
    """List the messages that failed AISC_OUTBOX_MAX_ATTEMPTS times."""
    boot.django()
    from aisc.web.backoffice.outbox_actions import dead_letters as listed

    rows = [_row(m) for m in listed()]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        typer.echo("no dead letters")
    for r in rows:
        typer.echo(f"{r['id']}\t{r['kind']}\t{r['attempts']} attempts\t{r['dead_at']}")
        typer.echo(f"\t{r['last_error'][:300]}")


def _act(verb: str, message_id: int, as_json: bool) -> None:
    boot.django()
    from aisc.core.errors import AiscError
    from aisc.web.backoffice import outbox_actions as actions

    act = actions.do_retry_dead_letter if verb == "retry" else actions.do_discard_dead_letter
    try:
        message = act(message_id, acting_user=None)
    except AiscError as exc:
        boot.refuse(exc, code=1)
        return  # pragma: no cover - fail() exits
    done = "queued again" if verb == "retry" else "discarded"
    typer.echo(json.dumps(_row(message)) if as_json else f"message {message.pk} {done}")


@app.command()
def retry(message_id: int = typer.Argument(..., metavar="ID"), as_json: bool = boot.JSON) -> None:
    """Queue a dead letter again, due now, with a fresh count of attempts."""
    _act("retry", message_id, as_json)


@app.command()
def discard(message_id: int = typer.Argument(..., metavar="ID"), as_json: bool = boot.JSON) -> None:
    """Give up on a dead letter: kept, marked discarded, never delivered."""
    _act("discard", message_id, as_json)
