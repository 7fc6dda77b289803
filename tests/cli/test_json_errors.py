"""A command asked for --json answers a refusal as JSON on stdout too, in the API's error shape
({"error": {"code", "message", "field"}}), with its one line on stderr and a non-zero exit; an
option out of range is refused by name before anything runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from aisc.cli.main import app

runner = CliRunner()
ESTIMATE = ["estimate", "--params", "7e9", "--tokens", "1e9"]


def aisc(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aisc.cli.main", *args],
        capture_output=True, text=True, env=dict(os.environ), check=False,
    )  # fmt: skip


def test_a_refusal_with_json_is_json_naming_the_option() -> None:
    result = runner.invoke(app, [*ESTIMATE, "--chip", "zz9", "--json"])
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "invalid_input"
    assert error["field"] == "--chip"
    assert error["message"].startswith("--chip: unknown chip 'zz9'")
    assert result.stderr.strip() == f"aisc: {error['message']}"


def test_a_command_without_json_after_one_with_it_prints_no_json() -> None:
    runner.invoke(app, [*ESTIMATE, "--chip", "zz9", "--json"])
    result = runner.invoke(app, ["capacity", "sweep-cell", "somewhere"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("aisc: sweep-cell: give --task")


def test_an_option_refused_by_its_type_is_json_too_when_json_was_asked() -> None:
    result = aisc(*ESTIMATE, "--chip", "h800", "--mfu", "abc", "--json")
    assert result.returncode == 2
    error = json.loads(result.stdout)["error"]
    assert (error["code"], error["field"]) == ("invalid_input", "--mfu")
    assert "'--mfu'" in error["message"]
    assert "Traceback" not in result.stderr
    plain = aisc(*ESTIMATE, "--chip", "h800", "--mfu", "abc")
    assert plain.returncode == 2
    assert plain.stdout == ""
    assert "Invalid value for '--mfu'" in plain.stderr


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["capacity", "plan", "--months", "0"], "--months"),
        (["capacity", "plan", "--months", "100000"], "--months"),
        (["capacity", "plan", "--first-seed", "-1"], "--first-seed"),
        (["sim", "run", "--synthetic", "10", "--seed", "-1"], "--seed"),
        (["sim", "run", "--synthetic", "100000000"], "--synthetic"),
        (["serve", "--port", "99999"], "--port"),
        (["serve", "--workers", "-3"], "--workers"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else v,
)
def test_an_option_out_of_range_is_refused_by_name_before_anything_runs(
    args: list[str], option: str
) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert f"Invalid value for '{option}'" in result.output
    assert "Traceback" not in result.output
