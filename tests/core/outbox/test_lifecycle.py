"""The outbox message lifecycle: its transition table, the backoff and the dead-letter rule."""

from __future__ import annotations

import datetime as dt

import pytest

from aisc.core.errors import InvalidTransition, RuleViolation
from aisc.core.outbox.lifecycle import (
    MAX_BACKOFF,
    MessageState,
    after_failure,
    backoff,
    transition,
)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (MessageState.PENDING, MessageState.SENT),
        (MessageState.PENDING, MessageState.DEAD),
        (MessageState.DEAD, MessageState.PENDING),
        (MessageState.DEAD, MessageState.DISCARDED),
    ],
)
def test_the_table_allows_delivery_dead_lettering_retry_and_discard(
    current: MessageState, target: MessageState
) -> None:
    assert transition(current, target) is target


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (MessageState.SENT, MessageState.PENDING),
        (MessageState.DISCARDED, MessageState.PENDING),
        (MessageState.PENDING, MessageState.DISCARDED),
        (MessageState.SENT, MessageState.DEAD),
    ],
)
def test_it_refuses_moves_the_table_does_not_have_naming_the_state(
    current: MessageState, target: MessageState
) -> None:
    with pytest.raises(InvalidTransition, match=f"from {current} to {target}") as caught:
        transition(current, target)
    assert caught.value.field == "state"


def test_the_backoff_starts_at_thirty_seconds_doubles_and_stops_at_an_hour() -> None:
    assert backoff(0) == dt.timedelta(seconds=30)
    assert backoff(1) == dt.timedelta(seconds=30)
    assert backoff(2) == dt.timedelta(seconds=60)
    assert backoff(8) == dt.timedelta(seconds=3600)
    assert backoff(9) == MAX_BACKOFF
    assert backoff(1000) == MAX_BACKOFF


def test_a_failure_before_the_last_attempt_leaves_the_message_pending() -> None:
    assert after_failure(1, 3) is MessageState.PENDING
    assert after_failure(2, 3) is MessageState.PENDING


def test_the_failure_of_the_last_allowed_attempt_makes_the_message_dead() -> None:
    assert after_failure(3, 3) is MessageState.DEAD
    assert after_failure(4, 3) is MessageState.DEAD
    assert after_failure(1, 1) is MessageState.DEAD


def test_it_refuses_a_maximum_below_one_attempt() -> None:
    with pytest.raises(RuleViolation, match="max_attempts: must be at least 1"):
        after_failure(1, 0)
