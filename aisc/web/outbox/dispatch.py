"""Enqueue side effects inside a transaction; drain them later with retries and backoff.

A mail server or Slurm that is down delays the effect, never loses it, and never fails the
user's request.
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


def drain(limit: int = 200) -> tuple[int, int]:
    """Run due messages once each. Returns (sent, failed)."""
    sent = failed = 0
    now = timezone.now()
    due = OutboxMessage.objects.filter(sent_at__isnull=True, next_attempt_at__lte=now)[:limit]
    for message in due:
        fn = _handlers.get(message.kind)
        try:
            if fn is None:
                raise LookupError(f"no handler registered for outbox kind {message.kind!r}")
            fn(message.payload)
        except Exception as exc:
            message.attempts += 1
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            message.next_attempt_at = now + backoff(message.attempts)
            message.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            failed += 1
        else:
            message.attempts += 1
            message.sent_at = timezone.now()
            message.save(update_fields=["attempts", "sent_at"])
            sent += 1
    return sent, failed
