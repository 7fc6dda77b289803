import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aisc.cli.main import app

runner = CliRunner()


def aisc(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "aisc.cli.main", *args],
        capture_output=True,
        text=True,
        env=full_env,
        check=False,
    )


def test_it_lists_its_commands_in_help() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("serve", "migrate", "createadmin", "demo", "audit"):
        assert command in result.output


def test_it_stops_with_one_line_on_a_bad_database_url(tmp_path: Path) -> None:
    result = aisc("serve", env={"AISC_DATABASE_URL": "nonsense", "AISC_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("aisc: AISC_DATABASE_URL: must be")
    assert "Traceback" not in result.stderr


def test_it_stops_with_one_line_when_postgresql_is_unreachable(tmp_path: Path) -> None:
    result = aisc(
        "migrate",
        env={
            "AISC_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
            "AISC_DATA_DIR": str(tmp_path),
        },
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith("aisc: AISC_DATABASE_URL: cannot connect")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_it_loads_the_demo_twice_and_verifies_then_detects_a_forged_audit_row(
    tmp_path: Path,
) -> None:
    import sqlite3

    env = {"AISC_DATA_DIR": str(tmp_path), "AISC_DATABASE_URL": f"sqlite:///{tmp_path}/demo.db"}
    assert aisc("migrate", env=env).returncode == 0
    first = aisc("demo", "load", env=env)
    assert first.returncode == 0, first.stderr
    assert "auditor@aisc.demo" in first.stdout
    db = sqlite3.connect(tmp_path / "demo.db")
    users_after_first = db.execute("SELECT COUNT(*) FROM accounts_user").fetchone()[0]
    assert aisc("demo", "load", env=env).returncode == 0
    ok = aisc("audit", "verify", env=env)
    assert ok.returncode == 0, ok.stderr
    # Idempotent: a second load adds nobody, and every printed login exists.
    assert db.execute("SELECT COUNT(*) FROM accounts_user").fetchone()[0] == users_after_first
    printed = {w for line in first.stdout.splitlines() for w in line.split() if "@aisc.demo" in w}
    known = {row[0] for row in db.execute("SELECT email FROM accounts_user")}
    assert printed
    assert printed <= known
    row_id = db.execute("SELECT id FROM audit_auditevent ORDER BY id LIMIT 1 OFFSET 3").fetchone()[
        0
    ]
    forge = "UPDATE audit_auditevent SET object_id = 'forged' WHERE id = ?"
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute(forge, (row_id,))
    # Someone who owns the database file can drop the trigger; the chain still shows the forgery.
    db.execute("DROP TRIGGER audit_auditevent_no_update")
    db.execute(forge, (row_id,))
    db.commit()
    broken = aisc("audit", "verify", env=env)
    assert broken.returncode == 1
    assert f"row {row_id}" in broken.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["billing", "periods"],
        ["audit", "verify"],
        ["cluster", "queue"],
        ["createadmin", "--email", "a@b.hk", "--password", "long-enough-password"],
    ],
    ids=" ".join,
)
def test_a_database_that_does_not_answer_is_one_line_not_a_traceback(
    tmp_path: Path, args: list[str]
) -> None:
    # Port 1: nothing listens there, so the connection is refused at once.
    env = {
        "AISC_DATABASE_URL": "postgresql://aisc@127.0.0.1:1/aisc",
        "AISC_DATA_DIR": str(tmp_path),
    }
    result = aisc(*args, env=env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("aisc: AISC_DATABASE_URL: cannot connect to the database")
