"""Enqueue side effects inside a transaction; drain them later with retries and backoff.

A mail server or Slurm that is down delays the effect, never loses it, and never fails the
user's request. Delivery is at least once: a handler must tolerate running twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from aisc.web.outbox.models import OutboxMessage

Handler = Callable[[dict[str, Any]], None]
_handlers: dict[str, Handler] = {}
MAX_BACKOFF = dt.timedelta(hours=1)


def handler(kind: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        _handlers[kind] = fn
        return fn

    return register


def enqueue(kind: str, payload: dict[str, Any]) -> OutboxMessage:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox.enqueue must run inside the do_* action's transaction")
    return OutboxMessage.objects.create(kind=kind, payload=payload)


def backoff(attempts: int) -> dt.timedelta:
    return min(dt.timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _handle(message: OutboxMessage) -> None:
    fn = _handlers.get(message.kind)
    if fn is None:
        raise LookupError(f"no handler registered for outbox kind {message.kind!r}")
    # A savepoint: a failing handler's own writes roll back, the attempt count stays.
    with transaction.atomic():
        fn(message.payload)


def run_next(now: dt.datetime) -> bool | None:
    """Claim and run the oldest due message. True = sent, False = failed, None = nothing due.

    The claim is a row lock that other workers skip (PostgreSQL), so two workers never run the
    same message at once; SQLite has one writer at a time anyway.
    """
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True, next_attempt_at__lte=now)
            .order_by("id")
            .first()
        )
        if message is None:
            return None
        message.attempts += 1
        try:
            _handle(message)
        except Exception as exc:
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            message.next_attempt_at = now + backoff(message.attempts)
            message.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            return False
        message.sent_at = timezone.now()
        message.save(update_fields=["attempts", "sent_at"])
        return True


def drain(limit: int = 200) -> tuple[int, int]:
    """Run due messages once each, at most `limit`. Returns (sent, failed)."""
    sent = failed = 0
    now = timezone.now()
    for _ in range(limit):
        outcome = run_next(now)
        if outcome is None:
            break
        sent, failed = (sent + 1, failed) if outcome else (sent, failed + 1)
    return sent, failed
