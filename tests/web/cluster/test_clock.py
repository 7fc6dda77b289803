"""The embedded cluster has one clock row, however many processes start on an empty database."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor

from aisc.web.cluster import service
from aisc.web.cluster.models import ClusterClock
from tests.web.cluster.conftest import EPOCH, HOUR

BEFORE = [("cluster", "0003_advance_lease_and_checkpoint")]
AFTER = [("cluster", "0004_one_clock_row")]


def postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("two connections writing at once need PostgreSQL (the postgres stage)")


@pytest.mark.django_db
def test_the_database_refuses_a_second_clock_row() -> None:
    service.clock(EPOCH)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClusterClock.objects.create(epoch=EPOCH + HOUR, advanced_to=EPOCH + HOUR)
    assert list(ClusterClock.objects.values_list("epoch", flat=True)) == [EPOCH]


def lock_waiters() -> int:
    """Connections to this database waiting for a lock another transaction holds."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        (count,) = cursor.fetchone()
    return int(count)


@pytest.mark.django_db(transaction=True)
def test_two_connections_creating_the_clock_at_once_leave_one_row_and_agree_on_it() -> None:
    postgres_only()
    created, commit = threading.Event(), threading.Event()
    out: dict[str, object] = {}

    def first() -> None:
        # Creates the row in a transaction it keeps open until the second connection has tried.
        try:
            with transaction.atomic():
                out["first"] = service.clock(EPOCH).pk
                created.set()
                commit.wait(30)
        except BaseException as exc:  # reported by the test, not lost in the thread
            out["first"] = exc
        finally:
            created.set()
            connections.close_all()

    def second() -> None:
        created.wait(30)
        try:
            out["second"] = service.clock(EPOCH + HOUR).pk
        except BaseException as exc:
            out["second"] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    # The second either finished (it saw no row and made its own) or waits on the first's row.
    deadline = time.monotonic() + 30
    while threads[1].is_alive() and lock_waiters() == 0 and time.monotonic() < deadline:
        threads[1].join(0.01)
    commit.set()
    for thread in threads:
        thread.join()
    assert isinstance(out["first"], int), out
    assert out["second"] == out["first"]
    assert list(ClusterClock.objects.values_list("pk", "epoch")) == [(out["first"], EPOCH)]


def migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_an_existing_clock_row() -> None:
    old = migrate(BEFORE).loader.project_state(BEFORE).apps.get_model("cluster", "ClusterClock")
    kept = old.objects.create(epoch=EPOCH, advanced_to=EPOCH + HOUR, policy="fifo")
    migrate(AFTER)
    row = ClusterClock.objects.get()
    assert (row.pk, row.epoch, row.advanced_to, row.policy) == (
        kept.pk,
        EPOCH,
        EPOCH + HOUR,
        "fifo",
    )
    assert service.clock().pk == kept.pk


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_clock_every_advance_used_when_there_were_two() -> None:
    old = migrate(BEFORE).loader.project_state(BEFORE).apps.get_model("cluster", "ClusterClock")
    used = old.objects.create(epoch=EPOCH, advanced_to=EPOCH + 2 * HOUR)
    old.objects.create(epoch=EPOCH + HOUR, advanced_to=EPOCH + HOUR)  # the race's second row
    migrate(AFTER)
    assert list(ClusterClock.objects.values_list("pk", "advanced_to")) == [
        (used.pk, EPOCH + 2 * HOUR)
    ]
