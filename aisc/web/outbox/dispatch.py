"""Enqueue side effects inside a transaction; deliver them later with retries and backoff.

A mail server or Slurm that is down delays the effect, never loses it, and never fails the
user's request. Delivery is at least once: a handler must tolerate running twice.

Delivery is three steps, so no network call happens inside a transaction that holds a claim:
1. claim: a short transaction takes the oldest due message (`SELECT … FOR UPDATE SKIP LOCKED` on
   PostgreSQL, so workers never wait on each other's rows; SQLite has one writer at a time),
   counts the attempt and marks it claimed by this worker until a lease runs out; commit.
2. run the handler, outside any transaction of ours.
3. record the outcome, only if the claim is still this worker's: sent, or failed with backoff,
   or a dead letter once `AISC_OUTBOX_MAX_ATTEMPTS` attempts have failed.
A worker that dies between 1 and 3 leaves a claim that lapses after LEASE; the next worker takes
the message again (its attempt counted).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import platform
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from aisc.core.outbox.lifecycle import MessageState, after_failure, backoff
from aisc.web.outbox import events
from aisc.web.outbox.events import DeadLettered
from aisc.web.outbox.models import OutboxMessage, State

log = logging.getLogger(__name__)
Handler = Callable[[dict[str, Any]], None]
_handlers: dict[str, Handler] = {}
# How long a claim holds without renewal; the worker's heartbeat renews it every few seconds, so
# only a worker that died (or hangs without beating) loses its claim.
LEASE = dt.timedelta(minutes=2)


def handler(kind: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        _handlers[kind] = fn
        return fn

    return register


def enqueue(kind: str, payload: dict[str, Any]) -> OutboxMessage:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox.enqueue must run inside the do_* action's transaction")
    return OutboxMessage.objects.create(kind=kind, payload=payload)


def this_worker() -> str:
    """The claim mark of a process that drains without a heartbeat (`drain()` from a command)."""
    return f"{platform.node()}:{os.getpid()}"


def claimable(now: dt.datetime) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(state=State.PENDING, next_attempt_at__lte=now).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )


def claim(worker: str, now: dt.datetime) -> OutboxMessage | None:
    """Take the oldest due message for `worker` and commit the claim before anything runs."""
    with transaction.atomic():
        message = claimable(now).select_for_update(skip_locked=True).order_by("id").first()
        if message is None:
            return None
        message.attempts += 1
        message.claimed_by, message.claimed_until = worker, now + LEASE
        message.save(update_fields=["attempts", "claimed_by", "claimed_until"])
        return message


def _run_handler(message: OutboxMessage) -> str | None:
    """The error text, or None when the handler finished."""
    fn = _handlers.get(message.kind)
    try:
        if fn is None:
            raise LookupError(f"no handler registered for outbox kind {message.kind!r}")
        fn(message.payload)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"[:2000]
    return None


def record_outcome(message: OutboxMessage, worker: str, error: str | None) -> bool:
    """Store what happened, if the claim is still `worker`'s. True when delivered."""
    now = timezone.now()
    mine = OutboxMessage.objects.filter(pk=message.pk, claimed_by=worker, state=State.PENDING)
    released = {"claimed_by": "", "claimed_until": None}
    if error is None:  # claimed_by stays: which worker delivered it
        mine.update(state=State.SENT, sent_at=now, claimed_until=None)
        return True
    state = after_failure(message.attempts, settings.AISC_OUTBOX_MAX_ATTEMPTS)
    if state is MessageState.DEAD:
        log.warning("outbox message %s (%s) is a dead letter: %s", message.pk, message.kind, error)
        with transaction.atomic():
            if mine.update(state=State.DEAD, dead_at=now, last_error=error, **released):
                dead = OutboxMessage.objects.get(pk=message.pk)
                events.message_dead_lettered.publish(DeadLettered(dead, message.attempts))
    else:
        mine.update(last_error=error, next_attempt_at=now + backoff(message.attempts), **released)
    return False


def run_next(now: dt.datetime, worker: str | None = None) -> bool | None:
    """Claim and run the oldest due message. True = sent, False = failed, None = nothing due."""
    worker = worker or this_worker()
    message = claim(worker, now)
    if message is None:
        return None
    return record_outcome(message, worker, _run_handler(message))


def release(worker: str) -> int:
    """Give back the claims of a worker that stops before running them; the attempt is not
    counted. Returns how many there were."""
    return OutboxMessage.objects.filter(claimed_by=worker, state=State.PENDING).update(
        claimed_by="", claimed_until=None, attempts=F("attempts") - 1
    )


def drain(
    limit: int = 200, *, worker: str | None = None, stop: Callable[[], bool] = lambda: False
) -> tuple[int, int]:
    """Run due messages once each, at most `limit`, until `stop()` says so between two
    messages. Returns (sent, failed)."""
    sent = failed = 0
    now = timezone.now()
    for _ in range(limit):
        if stop():
            break
        outcome = run_next(now, worker)
        if outcome is None:
            break
        sent, failed = (sent + 1, failed) if outcome else (sent, failed + 1)
    return sent, failed
