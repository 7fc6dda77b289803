"""The lifecycle of an outbox message: pending until delivered, or dead after too many failures.

pending → sent (delivered), pending → dead (failed `max_attempts` times), dead → pending (an
operator retries it), dead → discarded (an operator gives up on it). Sent and discarded are final.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from aisc.core.errors import InvalidTransition, RuleViolation


class MessageState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"
    DISCARDED = "discarded"


TRANSITIONS: dict[MessageState, frozenset[MessageState]] = {
    MessageState.PENDING: frozenset({MessageState.SENT, MessageState.DEAD}),
    MessageState.SENT: frozenset(),
    MessageState.DEAD: frozenset({MessageState.PENDING, MessageState.DISCARDED}),
    MessageState.DISCARDED: frozenset(),
}

FIRST_BACKOFF = dt.timedelta(seconds=30)
MAX_BACKOFF = dt.timedelta(hours=1)


def transition(current: MessageState, target: MessageState) -> MessageState:
    if target not in TRANSITIONS[current]:
        raise InvalidTransition(
            "state: an outbox message cannot go from %(current)s to %(target)s",
            field="state",
            params={"current": current, "target": target},
        )
    return target


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next attempt: 30 s after the first failure, doubling, at most an hour."""
    if attempts > 12:  # 30 s × 2^12 is past the cap already; avoids a huge power
        return MAX_BACKOFF
    wait: dt.timedelta = FIRST_BACKOFF * (2 ** max(attempts - 1, 0))
    return min(wait, MAX_BACKOFF)


def after_failure(attempts: int, max_attempts: int) -> MessageState:
    """Where a message goes when its attempt number `attempts` failed."""
    if max_attempts < 1:
        raise RuleViolation("max_attempts: must be at least 1", field="max_attempts")
    if attempts >= max_attempts:
        return transition(MessageState.PENDING, MessageState.DEAD)
    return MessageState.PENDING
