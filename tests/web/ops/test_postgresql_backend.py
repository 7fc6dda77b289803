"""aisc.web.ops.postgresql: a kept connection is checked before each request without a query
while it is healthy, and one the server has ended is found unusable, closed and replaced."""

from __future__ import annotations

import select
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, connections

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def kept() -> Iterator[Any]:
    """A connection of its own (outside the test's transaction), as a worker keeps between
    requests, with its health checks on."""
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL backend (the postgres stage runs this)")
    wrapper = connections.create_connection("default")
    wrapper.settings_dict = {**wrapper.settings_dict, "CONN_HEALTH_CHECKS": True}
    wrapper.ensure_connection()
    try:
        yield wrapper
    finally:
        wrapper.close()


@pytest.fixture
def observer(kept: Any) -> Iterator[Any]:
    """A plain second connection that watches the kept one's server process."""
    conn = kept.get_new_connection(kept.get_connection_params())
    conn.autocommit = True
    try:
        yield conn
    finally:
        conn.close()


def last_query(observer: Any, pid: int) -> str:
    row = observer.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
    assert row is not None
    return str(row[0])


def test_a_healthy_kept_connection_passes_the_check_without_a_query(
    kept: Any, observer: Any
) -> None:
    with kept.cursor() as cursor:
        cursor.execute("SELECT 'the last request'")
    pid = kept.connection.info.backend_pid
    kept.health_check_done = False  # as at the end of a request

    kept.close_if_health_check_failed()  # what Django runs before a request's first query

    assert kept.connection is not None  # kept, not closed
    assert last_query(observer, pid) == "SELECT 'the last request'"  # no SELECT 1 was sent


def test_a_connection_the_server_ended_is_closed_and_the_next_query_reconnects(
    kept: Any, observer: Any
) -> None:
    pid = kept.connection.info.backend_pid
    observer.execute("SELECT pg_terminate_backend(%s)", [pid])
    # The server's farewell reaches the socket a moment after the call returns.
    poll = select.poll()
    poll.register(kept.connection.fileno(), select.POLLIN)
    assert poll.poll(5000)
    kept.health_check_done = False

    assert kept.is_usable() is False
    kept.close_if_health_check_failed()
    assert kept.connection is None
    with kept.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_a_closed_connection_is_not_usable(kept: Any) -> None:
    kept.connection.close()

    assert kept.is_usable() is False


def test_a_statement_a_kept_connection_runs_again_is_prepared_once_on_the_server(
    kept: Any,
) -> None:
    """settings.py's server-side binding and prepare_threshold: from the second run on, the
    server parses and plans the statement once for the connection, whatever the parameters."""
    statement = "SELECT %s::text AS asked"
    with kept.cursor() as cursor:
        for asked in ("one", "two", "three"):
            cursor.execute(statement, [asked])
            assert cursor.fetchone() == (asked,)
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        prepared = [row[0] for row in cursor.fetchall()]
    assert "SELECT $1::text AS asked" in prepared  # the parameter travelled apart


def test_a_bulk_insert_of_more_values_than_one_statement_may_bind_is_split(db: None) -> None:
    """Server-side binding allows 65,535 parameters a statement. Django 5.2 inserts plain values
    as one array a column (UNNEST), but rows holding an expression as a list of VALUES: 7,000
    outbox messages of 11 columns (77,000 values) must go in as two statements, not be refused."""
    from django.db.models.functions import Now

    from aisc.web.outbox.models import OutboxMessage

    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL backend (the postgres stage runs this)")
    assert connection.settings_dict["OPTIONS"]["server_side_binding"] is True
    rows = [OutboxMessage(kind="test", payload={"n": n}, created_at=Now()) for n in range(7_000)]
    OutboxMessage.objects.bulk_create(rows)
    assert OutboxMessage.objects.filter(kind="test").count() == 7_000
