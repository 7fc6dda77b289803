"""The audit chain stays whole when many transactions write at once (PostgreSQL: real concurrency).

SQLite runs one writer at a time, so there the test only proves the same thing sequentially;
the postgres stage of scripts/run-tests is where it bites.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from aisc.web.accounts.actions import do_create_organisation
from aisc.web.audit.models import AuditEvent
from aisc.web.audit.record import record, verify

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
WRITERS = 8
EACH = 5


def write_from_a_thread(n: int, barrier: threading.Barrier, errors: list[BaseException]) -> None:
    try:
        barrier.wait()
        for i in range(EACH):
            with transaction.atomic():
                record(None, "thing.touch", None, object_type="Thing", object_id=f"{n}-{i}")
    except BaseException as exc:  # reported by the test, not lost in the thread
        errors.append(exc)
    finally:
        connections.close_all()


def test_concurrent_writers_never_fork_the_chain() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent writers need PostgreSQL (the postgres stage runs this)")
    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=write_from_a_thread, args=(n, barrier, errors))
        for n in range(WRITERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEvent.objects.count() == WRITERS * EACH
    assert verify() is None
    # Every row has its own predecessor: no two rows chained onto the same previous hash.
    prev_hashes = list(AuditEvent.objects.values_list("prev_hash", flat=True))
    assert len(set(prev_hashes)) == len(prev_hashes)


def test_do_actions_from_many_threads_each_leave_one_chained_row() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent writers need PostgreSQL (the postgres stage runs this)")
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def create(n: int) -> None:
        try:
            barrier.wait()
            do_create_organisation(
                acting_user=None, name_en=f"Org {n}", kind="startup", registration_code=f"C-{n}"
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEvent.objects.filter(verb="accounts.organisation.create").count() == 4
    assert verify() is None
