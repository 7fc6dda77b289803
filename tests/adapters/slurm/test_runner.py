"""The runner retries while Slurm is unreachable, with growing delays, then says so plainly;
a refusal is reported at once. Real child processes stand in for Slurm's commands."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from aisc.adapters.slurm.errors import SlurmCommandFailed, SlurmUnreachable
from aisc.adapters.slurm.runner import Runner


def command(tmp_path: Path, name: str, script: str) -> str:
    path = tmp_path / name
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_a_successful_command_returns_its_output_and_runs_in_utc(tmp_path: Path) -> None:
    runner = Runner()
    assert runner.run([command(tmp_path, "ok", 'echo "tz=$TZ"')]) == "tz=UTC\n"


def test_an_unreachable_slurm_is_retried_with_backoff_then_reported(tmp_path: Path) -> None:
    delays: list[float] = []
    marker = tmp_path / "calls"
    down = command(
        tmp_path,
        "sacctmgr",
        f"echo x >> {marker}; "
        "echo 'error: slurm_persist_conn_open: Connection refused' >&2; exit 1",
    )
    runner = Runner(attempts=4, first_delay=0.5, sleep=delays.append)
    with pytest.raises(SlurmUnreachable, match=r"failed 4 times with backoff.*Connection refused"):
        runner.run([down, "show", "assoc"])
    assert delays == [0.5, 1.0, 2.0]
    assert marker.read_text().count("x") == 4


def test_slurm_that_comes_back_during_the_retries_succeeds(tmp_path: Path) -> None:
    marker = tmp_path / "calls"
    flaky = command(
        tmp_path,
        "scontrol",
        f'echo x >> {marker}; [ "$(wc -l < {marker})" -ge 2 ] && echo up && exit 0; '
        "echo 'Unable to contact slurm controller (connect failure)' >&2; exit 1",
    )
    assert Runner(sleep=lambda s: None).run([flaky]) == "up\n"


def test_a_refusal_is_not_retried_and_names_the_command(tmp_path: Path) -> None:
    delays: list[float] = []
    refuse = command(tmp_path, "sacctmgr", "echo \" Parent account 'x' doesn't exist\" >&2; exit 1")
    with pytest.raises(SlurmCommandFailed, match=r"sacctmgr add account p1.*Parent account 'x'"):
        Runner(sleep=delays.append).run([refuse, "add", "account", "p1"])
    assert delays == []


def test_a_command_that_hangs_counts_as_unreachable(tmp_path: Path) -> None:
    hang = command(tmp_path, "squeue", "sleep 5")
    with pytest.raises(SlurmUnreachable, match=r"no answer within 0\.2 s"):
        Runner(attempts=2, timeout=0.2, sleep=lambda s: None).run([hang])


def test_missing_slurm_commands_are_reported_as_unreachable(tmp_path: Path) -> None:
    with pytest.raises(SlurmUnreachable, match="not installed"):
        Runner().run([os.fspath(tmp_path / "no-such-sacctmgr")])


def test_a_failure_without_output_still_has_a_message(tmp_path: Path) -> None:
    silent = command(tmp_path, "sacctmgr", "exit 3")
    with pytest.raises(SlurmCommandFailed, match="no message"):
        Runner().run([silent])
