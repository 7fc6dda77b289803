"""The dump adapters' failures read as one line naming the tool and the reason; the password
never reaches a command line. (Dumps and restores of real databases: tests/integration.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from aisc.adapters.dbdump import DumpError, PgDump, SqliteCopy, for_database
from aisc.adapters.dbdump.postgres import find_tool
from aisc.config import DatabaseConfig


def test_each_engine_gets_its_own_dumper(tmp_path: Path) -> None:
    sqlite = for_database(DatabaseConfig(engine="sqlite", name=str(tmp_path / "a.db")))
    postgres = for_database(DatabaseConfig(engine="postgresql", name="aisc"))
    assert (type(sqlite), sqlite.suffix) == (SqliteCopy, "sqlite3")
    assert (type(postgres), postgres.suffix) == (PgDump, "pgdump")


def test_a_missing_sqlite_database_is_named(tmp_path: Path) -> None:
    with pytest.raises(DumpError, match="does not exist"):
        SqliteCopy(tmp_path / "none.db").dump(tmp_path / "out.db")


def test_a_sqlite_file_that_is_not_a_database_is_refused_in_one_line(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"this is not sqlite" * 200)
    with pytest.raises(DumpError, match=r"SQLite backup of .* failed: file is not a database"):
        SqliteCopy(bogus).dump(tmp_path / "out.db")


def test_a_sqlite_restore_replaces_the_file_whole_and_removes_a_stale_log(tmp_path: Path) -> None:
    target = tmp_path / "db" / "aisc.sqlite3"
    target.parent.mkdir()
    target.write_bytes(b"")
    Path(f"{target}-wal").write_bytes(b"stale")
    dump = tmp_path / "dump.sqlite3"
    dump.write_bytes(b"copied bytes")
    SqliteCopy(target).restore(dump)
    assert target.read_bytes() == b"copied bytes"
    assert sorted(p.name for p in target.parent.iterdir()) == ["aisc.sqlite3"]


def test_an_unknown_tool_says_how_to_install_it() -> None:
    with pytest.raises(DumpError, match=r"pg_nothing is not installed .* postgresql-client"):
        find_tool("pg_nothing")


def test_a_pg_dump_that_cannot_connect_fails_in_one_line_without_the_password(
    tmp_path: Path,
) -> None:
    database = DatabaseConfig(
        engine="postgresql", name="aisc", user="aisc", password="s3cret-pw", host="127.0.0.1",
        port="9",
    )  # fmt: skip
    with pytest.raises(DumpError) as caught:
        PgDump(database, timeout_s=30).dump(tmp_path / "out.pgdump")
    message = str(caught.value)
    assert message.startswith("pg_dump failed: ")
    assert "\n" not in message
    assert "s3cret-pw" not in message
    with pytest.raises(DumpError, match=r"^pg_restore failed: "):
        PgDump(database, timeout_s=30).restore(tmp_path / "out.pgdump")
