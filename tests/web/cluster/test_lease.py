"""One advance at a time: the lease on the clock row, and two advances started at once."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from aisc.core.errors import RuleViolation
from aisc.web.allocations.models import Allocation
from aisc.web.cluster import lease, service
from aisc.web.cluster.models import ClusterCheckpoint, ClusterClock, EmbeddedJob
from tests.web.cluster.conftest import EPOCH, HOUR

pytestmark = pytest.mark.django_db

Job = Callable[..., EmbeddedJob]
MakeAllocation = Callable[..., Allocation]


def test_a_held_lease_is_refused_to_another_advance_until_it_is_given_back(
    epoch: dt.datetime,
) -> None:
    pk = service.clock().pk
    assert lease.claim(pk, "first")
    assert not lease.claim(pk, "second")
    lease.release(pk, "second")  # not its lease: nothing happens
    assert not lease.claim(pk, "second")
    lease.release(pk, "first")
    assert lease.claim(pk, "second")
    assert ClusterClock.objects.get().lease_token == "second"


def test_a_lease_that_ran_out_can_be_taken_and_its_old_holder_cannot_give_it_back(
    epoch: dt.datetime,
) -> None:
    pk = service.clock().pk
    assert lease.claim(pk, "dead")
    ClusterClock.objects.update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    assert lease.claim(pk, "alive")
    lease.release(pk, "dead")
    row = ClusterClock.objects.get()
    assert row.lease_token == "alive"
    assert row.lease_until is not None
    assert row.lease_until > timezone.now()


def test_an_advance_that_cannot_get_the_lease_in_time_says_why_and_changes_nothing(
    make_allocation: MakeAllocation, job: Job
) -> None:
    make_allocation()
    stored = job()
    pk = service.clock().pk
    assert lease.claim(pk, "someone else")
    with pytest.raises(RuleViolation) as caught, lease.holding(pk, wait=dt.timedelta(0)):
        service.advance(EPOCH + HOUR)
    assert caught.value.field == "cluster"
    assert "another advance holds the embedded cluster" in caught.value.message
    stored.refresh_from_db()
    assert stored.state == ""
    assert ClusterClock.objects.get().advanced_to == EPOCH


def test_an_advance_gives_the_lease_back_even_when_it_fails(
    make_allocation: MakeAllocation, job: Job, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_allocation()
    job()

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the replay broke")

    monkeypatch.setattr(service, "replay", broken)
    with pytest.raises(RuntimeError, match="the replay broke"):
        service.advance(EPOCH + HOUR)
    row = ClusterClock.objects.get()
    assert (row.lease_token, row.lease_until, row.advanced_to) == ("", None, EPOCH)


@pytest.fixture
def database_file(tmp_path: Path) -> Iterator[Callable[[], None]]:
    """Copies the test's data so far to an SQLite file that new connections (other threads)
    then open, as separate processes would: the in-memory test database shares one cache
    between threads, where a writer makes the others fail at once instead of waiting."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's locking is what this checks; PostgreSQL locks the row itself")
    path = tmp_path / "cluster.sqlite3"
    shared = connections.settings["default"]
    before = shared["NAME"], shared["OPTIONS"]

    def copy() -> None:
        connection.ensure_connection()
        with sqlite3.connect(path) as target:  # iterdump: the test's transaction is still open
            target.executescript("\n".join(connection.connection.iterdump()))
        # A busy timeout far shorter than the settings' 30 s: a writer that holds the lock
        # for as long as a replay makes the others fail at once ("database is locked").
        shared["NAME"], shared["OPTIONS"] = str(path), {**before[1], "timeout": 0.5}

    try:
        yield copy
    finally:
        shared["NAME"], shared["OPTIONS"] = before


def advance_in_a_thread(now: dt.datetime, barrier: threading.Barrier, done: list[object]) -> None:
    try:
        barrier.wait()
        done.append(service.advance(now))
    except BaseException as exc:  # reported by the test, not lost in the thread
        done.append(exc)
    finally:
        connections.close_all()


def queue_twelve_jobs(job: Job) -> None:
    """Twelve 8-GPU jobs of 1-3 h (limit 4 h), one every half hour from the epoch."""
    for n in range(12):
        job(gpus=8, hours=1 + n % 3, limit_hours=4, at=EPOCH + n * HOUR / 2)


def advances_at_once(*hours: int) -> list[object]:
    """An advance to each of `hours` after the epoch, each in a thread of its own, started
    together: what each returned or raised, in the order they finished."""
    barrier = threading.Barrier(len(hours))
    done: list[object] = []
    threads = [
        threading.Thread(target=advance_in_a_thread, args=(EPOCH + h * HOUR, barrier, done))
        for h in hours
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done


def in_a_thread(fn: Callable[[], object]) -> object:
    """`fn` on a connection of its own (the database file's), as another process would; what
    it returned, or the exception it raised."""
    out: list[object] = []

    def run() -> None:
        try:
            out.append(fn())
        except BaseException as exc:  # reported by the caller, not lost in the thread
            out.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return out[0]


def test_two_advances_started_at_once_run_one_after_the_other_and_agree(
    make_allocation: MakeAllocation, job: Job, database_file: Callable[[], None]
) -> None:
    make_allocation()
    queue_twelve_jobs(job)
    database_file()
    done = advances_at_once(5, 6)
    assert [type(d).__name__ for d in done] == ["Advance", "Advance"]
    advances = [d for d in done if isinstance(d, service.Advance)]
    # One ran first from the epoch; the other waited for its lease and carried on from its
    # checkpoint. Between them every job ended or started exactly as one advance to 6 h says.
    assert sorted(a.resumed for a in advances) == [False, True]
    clock = in_a_thread(
        lambda: list(ClusterClock.objects.values_list("advanced_to", "lease_token"))
    )
    assert clock == [(EPOCH + 6 * HOUR, "")]
    states = in_a_thread(
        lambda: list(EmbeddedJob.objects.order_by("id").values_list("state", "start_at"))
    )
    ended = sum(len(a.ended) for a in advances)
    single = service.advance(EPOCH + 6 * HOUR)  # in the in-memory database, untouched so far
    assert states == list(EmbeddedJob.objects.order_by("id").values_list("state", "start_at"))
    assert ended == len(single.ended)


def test_an_advance_holds_no_write_lock_while_it_replays(
    make_allocation: MakeAllocation,
    job: Job,
    database_file: Callable[[], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_allocation()
    for n in range(6):
        job(gpus=8, hours=1, at=EPOCH + n * HOUR)
    database_file()
    replay, meanwhile = service.replay, []

    def replay_while_someone_submits(*args: Any, **kwargs: Any) -> object:
        # Another connection stores a job in the middle of the replay, as the portal would.
        def submit() -> object:
            return EmbeddedJob.objects.create(
                account="com-a",
                user="alice",
                chip="h800",
                gpus=1,
                work_s=60,
                time_limit_s=3600,
                submit_at=EPOCH + 9 * HOUR,
            ).pk

        meanwhile.append(in_a_thread(submit))
        return replay(*args, **kwargs)

    monkeypatch.setattr(service, "replay", replay_while_someone_submits)
    moved = in_a_thread(lambda: service.advance(EPOCH + 8 * HOUR))
    assert isinstance(moved, service.Advance)
    assert len(moved.ended) == 6
    assert [type(pk) for pk in meanwhile] == [int]
    stored = in_a_thread(lambda: list(EmbeddedJob.objects.values_list("submit_at", flat=True)))
    assert EPOCH + 9 * HOUR in stored  # type: ignore[operator]


WRITTEN_BACK = ("id", "state", "reason", "partition", "dedicated", "start_at", "end_at")


def job_rows() -> list[tuple[object, ...]]:
    return list(EmbeddedJob.objects.order_by("id").values_list(*WRITTEN_BACK))


@pytest.mark.django_db(transaction=True)
def test_two_advances_at_once_on_postgresql_start_no_job_twice_and_agree_with_one_after_the_other(
    make_allocation: MakeAllocation, job: Job
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent connections need PostgreSQL (the postgres stage runs this)")
    make_allocation()
    queue_twelve_jobs(job)
    done = advances_at_once(5, 6)
    advances = [d for d in done if isinstance(d, service.Advance)]
    assert len(advances) == 2, done
    ended = [moved.pk for a in advances for moved in a.ended]
    assert len(ended) == len(set(ended))  # no job reported ended by both advances
    concurrent = job_rows()
    assert len(concurrent) == 12
    assert list(ClusterClock.objects.values_list("advanced_to", "lease_token")) == [
        (EPOCH + 6 * HOUR, "")
    ]
    # The same jobs again, from the epoch, one advance after the other in this thread.
    EmbeddedJob.objects.update(
        state="", reason="", partition="", dedicated=False, start_at=None, end_at=None
    )
    ClusterCheckpoint.objects.all().delete()
    ClusterClock.objects.update(advanced_to=EPOCH, stops={})
    first, second = service.advance(EPOCH + 5 * HOUR), service.advance(EPOCH + 6 * HOUR)
    assert job_rows() == concurrent
    assert sorted(ended) == sorted(moved.pk for a in (first, second) for moved in a.ended)


def test_an_advance_whose_lease_ran_out_and_was_taken_writes_nothing_and_says_why(
    make_allocation: MakeAllocation, job: Job, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_allocation()
    stored = job()
    replay = service.replay

    def replay_past_the_lease(*args: Any, **kwargs: Any) -> object:
        # The replay outlasts LEASE; meanwhile another advance takes the lease that ran out.
        ClusterClock.objects.update(lease_until=timezone.now() - dt.timedelta(seconds=1))
        assert lease.claim(service.clock().pk, "the next advance")
        return replay(*args, **kwargs)

    monkeypatch.setattr(service, "replay", replay_past_the_lease)
    with pytest.raises(RuleViolation) as caught:
        service.advance(EPOCH + HOUR)
    assert caught.value.field == "cluster"
    assert "its lease ran out" in caught.value.message
    stored.refresh_from_db()
    assert (stored.state, stored.start_at) == ("", None)
    row = ClusterClock.objects.get()
    assert (row.advanced_to, row.lease_token) == (EPOCH, "the next advance")
    assert not ClusterCheckpoint.objects.exists()
