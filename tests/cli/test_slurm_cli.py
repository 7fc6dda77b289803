"""`aisc slurm plan|apply|check` on the embedded cluster."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from aisc.cli.main import app
from aisc.web.accounts.models import Organisation
from aisc.web.catalogue import demo as catalogue_demo
from aisc.web.demo import DemoReport

runner = CliRunner()


@pytest.fixture
def demo_allocations(settings: Any, tmp_path: Path, db: Any) -> None:
    settings.AISC_EMBEDDED_SLURM_STATE = str(tmp_path / "slurm.json")
    settings.AISC_CLUSTER = "embedded"
    from aisc.web.allocations import demo

    report = DemoReport()
    # the demo's two commercial tenants, without the demo's users (password hashing is slow)
    for code in ("VBK-DEMO", "TRM-DEMO"):
        Organisation.objects.create(name_en=code, kind="enterprise", registration_code=code)
    catalogue_demo.load(report)
    demo.load(report)


def test_plan_prints_a_readable_difference_and_changes_nothing(demo_allocations: None) -> None:
    first = runner.invoke(app, ["slurm", "plan"])
    assert first.exit_code == 0, first.output
    assert "to add, 0 to change, 0 to remove:" in first.output
    assert "+ account com-bank-01" in first.output
    assert "+ reservation aisc-com-bank-01" in first.output
    assert runner.invoke(app, ["slurm", "plan"]).output == first.output


def test_check_fails_before_apply_and_passes_after(demo_allocations: None) -> None:
    assert runner.invoke(app, ["slurm", "check"]).exit_code == 1
    applied = runner.invoke(app, ["slurm", "apply"])
    assert applied.exit_code == 0, applied.output
    assert "Slurm agrees with the allocations: nothing to do." in applied.output
    checked = runner.invoke(app, ["slurm", "check", "--json"])
    assert checked.exit_code == 0
    assert json.loads(checked.output) == {"changes": [], "problems": []}


def test_apply_json_lists_what_was_applied(demo_allocations: None) -> None:
    result = runner.invoke(app, ["slurm", "apply", "--json"])
    facts = json.loads(result.output)
    assert "+ user carol@com-bank-01  user=carol account=com-bank-01" in facts["applied"]
    assert facts["changes"] == []
    assert facts["failed"] == []
    assert facts["blocked"] == []


def test_plan_json_names_each_change(demo_allocations: None) -> None:
    facts = json.loads(runner.invoke(app, ["slurm", "plan", "--json"]).output)
    kinds = {(c["action"], c["kind"], c["name"]) for c in facts["changes"]}
    assert ("add", "account", "com-tram-01") in kinds


def test_an_unreachable_slurm_is_a_one_line_error(
    demo_allocations: None, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.AISC_CLUSTER = "slurm"
    monkeypatch.setenv("PATH", str(tmp_path))  # no Slurm commands at all
    result = runner.invoke(app, ["slurm", "plan"])
    assert result.exit_code == 3
    assert "Slurm is unreachable: sacctmgr is not installed" in result.output
    applied = runner.invoke(app, ["slurm", "apply"])
    assert applied.exit_code == 3
