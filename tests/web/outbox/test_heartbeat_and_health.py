"""Worker heartbeats and the health figures that /readyz and /metrics read."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.db import transaction
from django.utils import timezone

from aisc.web.outbox import dispatch, health, heartbeat
from aisc.web.outbox.models import OutboxMessage, State, WorkerHeartbeat

pytestmark = pytest.mark.django_db


def enqueue(n: int = 1) -> list[OutboxMessage]:
    with transaction.atomic():
        return [dispatch.enqueue("test.nobody", {"n": i}) for i in range(n)]


def test_a_starting_worker_writes_its_host_pid_and_a_first_beat() -> None:
    row = heartbeat.start()
    assert row.pid == os.getpid()
    assert row.name.startswith(f"{row.host}:{row.pid}:")
    assert row.stopped_at is None
    assert health.worker_heartbeat_age() == pytest.approx(0, abs=5)


def test_the_heartbeat_age_is_that_of_the_newest_beat_of_a_running_worker() -> None:
    now = timezone.now()
    old, recent = heartbeat.start(now), heartbeat.start(now)
    heartbeat.beat(old.name, now - dt.timedelta(minutes=5))
    heartbeat.beat(recent.name, now - dt.timedelta(seconds=20))
    assert health.worker_heartbeat_age(now) == pytest.approx(20)
    heartbeat.stop(recent.name, now)
    assert health.worker_heartbeat_age(now) == pytest.approx(300)
    heartbeat.stop(old.name, now)
    assert health.worker_heartbeat_age(now) is None


def test_a_beat_renews_the_leases_of_the_messages_the_worker_holds() -> None:
    (message,) = enqueue()
    now = timezone.now()
    me = heartbeat.start(now)
    dispatch.claim(me.name, now)
    later = now + dispatch.LEASE - dt.timedelta(seconds=5)
    heartbeat.beat(me.name, later)
    message.refresh_from_db()
    assert message.claimed_until == later + dispatch.LEASE
    assert dispatch.claim("other", now + dispatch.LEASE + dt.timedelta(seconds=1)) is None


def test_a_stopping_worker_gives_back_its_claims_and_is_marked_stopped() -> None:
    me = heartbeat.start()
    enqueue(2)
    dispatch.claim(me.name, timezone.now())
    assert heartbeat.stop(me.name) == 1
    assert not OutboxMessage.objects.filter(claimed_by=me.name).exists()
    assert WorkerHeartbeat.objects.get(name=me.name).stopped_at is not None
    assert health.running_workers() == []


def test_rows_of_workers_stopped_a_week_ago_are_removed_when_a_worker_starts() -> None:
    long_ago = timezone.now() - heartbeat.KEEP_STOPPED - dt.timedelta(hours=1)
    gone = heartbeat.start(long_ago)
    heartbeat.stop(gone.name, long_ago)
    kept = heartbeat.start()
    assert list(WorkerHeartbeat.objects.values_list("name", flat=True)) == [kept.name]


def test_depth_counts_pending_messages_and_lag_the_wait_of_the_oldest_due_one() -> None:
    now = timezone.now()
    assert (health.outbox_depth(), health.outbox_lag(now)) == (0, 0.0)
    first, second, later = enqueue(3)
    OutboxMessage.objects.filter(pk=first.pk).update(next_attempt_at=now - dt.timedelta(seconds=90))
    OutboxMessage.objects.filter(pk=later.pk).update(next_attempt_at=now + dt.timedelta(hours=1))
    OutboxMessage.objects.filter(pk=second.pk).update(state=State.SENT)
    assert health.outbox_depth() == 2
    assert health.outbox_lag(now) == pytest.approx(90)


def test_dead_letters_are_counted_apart_from_the_pending_ones() -> None:
    first, _ = enqueue(2)
    OutboxMessage.objects.filter(pk=first.pk).update(state=State.DEAD)
    assert (health.dead_letter_count(), health.outbox_depth()) == (1, 1)


def test_a_worker_silent_for_ten_minutes_is_not_listed_and_is_marked_stopped_by_the_next() -> None:
    now = timezone.now()
    dead = heartbeat.start(now - dt.timedelta(hours=2))
    heartbeat.beat(dead.name, now - heartbeat.SILENT - dt.timedelta(seconds=1))
    assert health.running_workers(now) == []
    assert health.worker_heartbeat_age(now) == pytest.approx(601)
    alive = heartbeat.start(now)
    assert [w.name for w in health.running_workers(now)] == [alive.name]
    gone = WorkerHeartbeat.objects.get(name=dead.name)
    assert gone.stopped_at == gone.beat_at
