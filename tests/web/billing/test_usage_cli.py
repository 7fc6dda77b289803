"""`aisc usage ingest --since T [--until T]` through the Slurm adapter, with `sacct` replaced by a
script on PATH (tests/integration/test_slurm_usage.py runs it against the real cluster)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from aisc.cli.main import app
from aisc.web.billing.models import UsageRecord

# `tenant` is autouse: a commercial tenant on the real directory and an H800 rate card.
from tests.web.billing.test_periodic import FakeSacct, job, sacct, tenant  # noqa: F401

pytestmark = pytest.mark.django_db
runner = CliRunner()


def test_it_asks_sacct_for_the_window_in_utc_and_stores_the_jobs(sacct: FakeSacct) -> None:  # noqa: F811
    sacct.answer(job("701"), job("702", state="RUNNING"))
    result = runner.invoke(
        app,
        ["usage", "ingest", "--since", "2026-03-10T08:00", "--until", "2026-03-10T12:00+08:00",
         "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["inserted"] == 2
    # a time without an offset is Hong Kong time: 08:00 there is 00:00 UTC
    assert sacct.window() == ("2026-03-10T00:00:00", "2026-03-10T04:00:00")
    assert sorted(UsageRecord.objects.values_list("job_id", flat=True)) == ["701", "702"]


def test_a_failing_sacct_is_one_line_naming_slurms_refusal_and_stores_nothing(
    sacct: FakeSacct,  # noqa: F811
) -> None:
    sacct.fail("sacct: error: slurmdbd: Invalid user id")
    result = runner.invoke(app, ["usage", "ingest", "--since", "2026-03-10T08:00"])
    assert result.exit_code == 1
    assert "aisc: Slurm refused `sacct --allusers" in result.output
    assert "Invalid user id" in result.output
    assert "Traceback" not in result.output
    assert UsageRecord.objects.count() == 0


def test_a_window_that_ends_before_it_starts_is_refused_naming_the_field(
    sacct: FakeSacct,  # noqa: F811
) -> None:
    result = runner.invoke(
        app, ["usage", "ingest", "--since", "2026-03-10T08:00", "--until", "2026-03-10T07:00"]
    )
    assert result.exit_code == 1
    assert "aisc: --until: must be later than --since" in result.output
    assert not sacct.args_file.exists()  # sacct was never run


def test_exactly_one_source_is_required() -> None:
    result = runner.invoke(app, ["usage", "ingest"])
    assert result.exit_code == 2
    assert "give exactly one of --since, --sacct-file or --csv" in result.output
