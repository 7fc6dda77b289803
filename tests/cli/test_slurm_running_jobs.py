"""`aisc slurm apply` never removes an account that still has jobs: a closed allocation whose
account has a running job is kept, reported, and the command exits 1; `--force` cancels the jobs
and removes it. On the embedded cluster, with the allocation made by the allocations' actions."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from typer.testing import CliRunner

from aisc.adapters.slurm.fake import FakeSlurm
from aisc.cli.main import app
from aisc.web.accounts.models import Organisation
from aisc.web.allocations import actions, sync
from aisc.web.allocations.actions import NewAllocation
from aisc.web.allocations.models import Allocation

runner = CliRunner()
pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_with_a_job(embedded_cluster: Path, org: Organisation) -> Path:
    """com-a was active on Slurm with alice, a job of its is running, and it was just closed."""
    today = timezone.localdate()
    start, end = today - dt.timedelta(days=3), today + dt.timedelta(days=30)
    allocation = actions.do_create_allocation(
        NewAllocation(
            project_code="com-a",
            organisation=org,
            parent_account="c2026a",
            subsidised=True,
            chip="h800",
            start_date=start,
            end_date=end,
            tranches=[(1, Decimal(1000), True)],
            award_window=(start, end),
            members=["alice"],
        ),
        acting_user=None,
    )
    actions.do_advance_by_date(today)
    sync.apply()
    FakeSlurm(path=embedded_cluster).start_job("com-a")
    actions.do_transition(Allocation.objects.get(pk=allocation.pk), "close", acting_user=None)
    return embedded_cluster


def test_apply_keeps_an_account_with_a_running_job_says_why_and_exits_one(
    closed_with_a_job: Path,
) -> None:
    result = runner.invoke(app, ["slurm", "apply"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    [kept_account] = [line for line in lines if line.startswith("  kept - account com-a ")]
    assert kept_account.endswith(
        ": account com-a still has 1 pending or running jobs; "
        "rerun with --force to cancel them and remove it"
    )
    [kept_user] = [line for line in lines if line.startswith("  kept - user alice@com-a ")]
    assert kept_user.endswith(": account com-a still has jobs")
    assert "Remaining:" in result.stdout
    slurm = FakeSlurm(path=closed_with_a_job)
    assert "com-a" in slurm.read_state().accounts
    assert slurm.active_jobs("com-a") == 1
    assert Allocation.objects.get(project_code="com-a").sync_status == "error"


def test_apply_with_force_cancels_the_job_and_removes_the_account(
    closed_with_a_job: Path,
) -> None:
    result = runner.invoke(app, ["slurm", "apply", "--force", "--json"])
    assert result.exit_code == 0, result.output
    facts = json.loads(result.stdout)
    assert (facts["blocked"], facts["failed"], facts["changes"]) == ([], [], [])
    assert any(line.startswith("- account com-a") for line in facts["applied"])
    slurm = FakeSlurm(path=closed_with_a_job)
    assert "com-a" not in slurm.read_state().accounts
    assert slurm.active_jobs("com-a") == 0
    assert runner.invoke(app, ["slurm", "check"]).exit_code == 0
