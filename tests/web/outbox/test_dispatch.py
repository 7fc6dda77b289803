"""The outbox: written with the change, delivered later, retried with backoff, never lost."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from aisc.core.outbox import lifecycle
from aisc.web.outbox import dispatch
from aisc.web.outbox.models import OutboxMessage, State

pytestmark = pytest.mark.django_db

calls: list[dict[str, Any]] = []


@pytest.fixture(autouse=True)
def handlers() -> Iterator[None]:
    calls.clear()

    @dispatch.handler("test.ok")
    def ok(payload: dict[str, Any]) -> None:
        calls.append(payload)

    @dispatch.handler("test.down")
    def down(payload: dict[str, Any]) -> None:
        raise ConnectionError("server down")

    yield
    dispatch._handlers.pop("test.ok")
    dispatch._handlers.pop("test.down")


def enqueue(kind: str, payload: dict[str, Any]) -> OutboxMessage:
    with transaction.atomic():
        return dispatch.enqueue(kind, payload)


@pytest.mark.django_db(transaction=True)
def test_enqueue_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError, match="inside the do_\\* action's transaction"):
        dispatch.enqueue("test.ok", {})


def test_a_rolled_back_change_leaves_no_side_effect_behind() -> None:
    def change_and_fail() -> None:
        with transaction.atomic():
            dispatch.enqueue("test.ok", {"n": 1})
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        change_and_fail()
    assert OutboxMessage.objects.count() == 0


def test_drain_runs_each_due_message_once_and_marks_it_sent() -> None:
    first = enqueue("test.ok", {"n": 1})
    enqueue("test.ok", {"n": 2})
    assert dispatch.drain() == (2, 0)
    assert calls == [{"n": 1}, {"n": 2}]
    first.refresh_from_db()
    assert first.sent_at is not None
    assert first.attempts == 1
    assert dispatch.drain() == (0, 0)
    assert len(calls) == 2


def test_a_failing_handler_is_retried_later_with_its_error_kept() -> None:
    message = enqueue("test.down", {})
    assert dispatch.drain() == (0, 1)
    message.refresh_from_db()
    assert message.sent_at is None
    assert message.attempts == 1
    assert message.last_error == "ConnectionError: server down"
    assert message.next_attempt_at > timezone.now() + dt.timedelta(seconds=25)
    # Not due yet, so the next pass leaves it alone.
    assert dispatch.drain() == (0, 0)


def test_a_message_comes_through_once_the_server_is_back() -> None:
    message = enqueue("test.down", {"n": 7})
    dispatch.drain()
    dispatch.handler("test.down")(calls.append)
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert dispatch.drain() == (1, 0)
    assert calls == [{"n": 7}]


def test_a_message_of_an_unknown_kind_fails_naming_the_kind() -> None:
    message = enqueue("test.nobody", {})
    assert dispatch.drain() == (0, 1)
    message.refresh_from_db()
    assert "no handler registered for outbox kind 'test.nobody'" in message.last_error


def test_drain_stops_at_its_limit() -> None:
    for n in range(3):
        enqueue("test.ok", {"n": n})
    assert dispatch.drain(limit=2) == (2, 0)
    assert dispatch.drain(limit=2) == (1, 0)


@pytest.mark.parametrize(("attempts", "seconds"), [(0, 30), (1, 30), (2, 60), (3, 120), (20, 3600)])
def test_backoff_doubles_from_thirty_seconds_up_to_an_hour(attempts: int, seconds: int) -> None:
    assert lifecycle.backoff(attempts) == dt.timedelta(seconds=seconds)


def test_a_delivered_message_is_marked_sent_by_the_worker_that_delivered_it() -> None:
    message = enqueue("test.ok", {"n": 1})
    assert dispatch.drain(worker="w1") == (1, 0)
    message.refresh_from_db()
    assert (message.state, message.claimed_by, message.claimed_until) == (State.SENT, "w1", None)


@pytest.mark.django_db(transaction=True)
def test_the_handler_runs_after_the_claim_is_committed_and_outside_any_transaction() -> None:
    seen: list[tuple[bool, str, int]] = []

    @dispatch.handler("test.look")
    def look(payload: dict[str, Any]) -> None:
        # Autocommit (no atomic block): the claim is committed, as another worker would see it.
        row = OutboxMessage.objects.get(pk=payload["pk"])
        seen.append((transaction.get_connection().in_atomic_block, row.claimed_by, row.attempts))

    try:
        message = enqueue("test.look", {})
        OutboxMessage.objects.filter(pk=message.pk).update(payload={"pk": message.pk})
        assert dispatch.drain(worker="w1") == (1, 0)
    finally:
        dispatch._handlers.pop("test.look")
    assert seen == [(False, "w1", 1)]


def test_a_message_claimed_by_a_live_worker_is_left_alone_until_its_lease_lapses() -> None:
    message = enqueue("test.ok", {"n": 1})
    now = timezone.now()
    assert dispatch.claim("crashed", now) is not None
    assert dispatch.drain(worker="w2") == (0, 0)
    later = now + dispatch.LEASE + dt.timedelta(seconds=1)
    assert dispatch.run_next(later, "w2") is True
    message.refresh_from_db()
    assert (message.state, message.attempts) == (State.SENT, 2)
    assert calls == [{"n": 1}]


def test_an_outcome_is_not_recorded_by_a_worker_that_lost_its_claim() -> None:
    message = enqueue("test.ok", {"n": 1})
    now = timezone.now()
    claimed = dispatch.claim("slow", now)
    assert claimed is not None
    dispatch.claim("fast", now + dispatch.LEASE + dt.timedelta(seconds=1))
    dispatch.record_outcome(claimed, "slow", None)
    message.refresh_from_db()
    assert (message.state, message.claimed_by) == (State.PENDING, "fast")


def test_after_the_configured_attempts_a_message_becomes_a_dead_letter(settings: Any) -> None:
    settings.AISC_OUTBOX_MAX_ATTEMPTS = 3
    message = enqueue("test.down", {})
    for attempt in range(1, 4):
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        assert dispatch.drain() == (0, 1)
        message.refresh_from_db()
        assert message.attempts == attempt
    assert message.state == State.DEAD
    assert message.dead_at is not None
    assert message.last_error == "ConnectionError: server down"
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert dispatch.drain() == (0, 0)


def test_release_gives_back_a_claim_without_counting_the_attempt() -> None:
    message = enqueue("test.ok", {"n": 1})
    dispatch.claim("stopping", timezone.now())
    assert dispatch.release("stopping") == 1
    message.refresh_from_db()
    assert (message.attempts, message.claimed_by, message.claimed_until) == (0, "", None)
    assert dispatch.drain() == (1, 0)


def test_drain_stops_between_messages_when_asked() -> None:
    for n in range(3):
        enqueue("test.ok", {"n": n})
    asked = iter([False, True])
    assert dispatch.drain(stop=lambda: next(asked)) == (1, 0)
    assert OutboxMessage.objects.filter(state=State.PENDING, claimed_by="").count() == 2
