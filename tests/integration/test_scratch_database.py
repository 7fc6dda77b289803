"""aisc.devtools.databases.scratch_database on the postgres stage's server (and its SQLite form
on either stage): a database of its own per call, there while the block runs, gone after it,
also when the block fails or a connection to it is still open."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from django.db import connection

from aisc.devtools.databases import on_server, scratch_database


def server() -> str:
    if connection.vendor != "postgresql":
        pytest.skip("needs the PostgreSQL server; the postgres stage runs this")
    s = connection.settings_dict
    return f"postgresql://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def exists(name: str) -> bool:
    with psycopg.connect(on_server(server(), "postgres"), autocommit=True) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return found is not None


def name_of(url: str) -> str:
    return url.rpartition("/")[2]


def test_it_gives_each_call_an_empty_database_of_its_own_and_drops_it_after() -> None:
    with (
        scratch_database(server(), "aisc_test_scratch") as first,
        scratch_database(server(), "aisc_test_scratch") as second,
    ):
        assert first != second
        assert name_of(first).startswith("aisc_test_scratch_")
        with psycopg.connect(first) as conn:
            tables = conn.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
            ).fetchone()
        assert tables == (0,)
    assert not exists(name_of(first))
    assert not exists(name_of(second))


def test_it_drops_the_database_when_the_block_fails_with_a_connection_still_open() -> None:
    with (  # noqa: PT012 - the block that fails is the subject
        pytest.raises(RuntimeError, match="half-way"),
        scratch_database(server(), "aisc_test_scratch") as url,
    ):
        held = psycopg.connect(url)
        held.execute("CREATE TABLE left_behind (id int)")
        held.commit()
        raise RuntimeError("the run stopped half-way")
    # WITH (FORCE) ended the connection the run still held.
    assert not exists(name_of(url))
    with pytest.raises(psycopg.OperationalError):
        held.execute("SELECT 1")


def test_it_keeps_the_servers_query_parameters_and_replaces_only_the_database() -> None:
    url = "postgresql://aisc:secret@db.example.hk:5433/aisc?sslmode=require&connect_timeout=5"
    assert on_server(url, "other") == (
        "postgresql://aisc:secret@db.example.hk:5433/other?sslmode=require&connect_timeout=5"
    )


def test_it_refuses_a_url_that_is_not_postgresql() -> None:
    with pytest.raises(ValueError, match="not a PostgreSQL URL: sqlite"):
        on_server("sqlite:///tmp/aisc.sqlite3", "other")


def test_without_a_server_it_gives_a_sqlite_file_in_a_folder_removed_after() -> None:
    with scratch_database(None, "aisc-test-scratch") as url:
        assert url.startswith("sqlite:///")
        assert url.endswith("/aisc-test-scratch.sqlite3")
        folder = Path(url.removeprefix("sqlite:///")).parent
        assert folder.is_dir()
    assert not folder.exists()
