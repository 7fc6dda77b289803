"""`aisc cluster submit|advance|queue` on the embedded cluster."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from django.utils import timezone
from typer.testing import CliRunner

from aisc.cli.main import app
from aisc.web.allocations.models import Allocation
from aisc.web.audit.models import AuditEvent
from aisc.web.cluster.models import EmbeddedJob

runner = CliRunner()
# The shared embedded cluster (tests/fixtures/allocations.py): the demo catalogue, backfill, and
# commercial allocations made by the allocations' actions (`make_allocation`).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("backfill_cluster")]


@pytest.fixture
def active(make_allocation: Callable[..., Allocation]) -> Allocation:
    today = timezone.localdate()
    return make_allocation(start=today - dt.timedelta(days=3), end=today + dt.timedelta(days=30))


SUBMIT = ["cluster", "submit", "--account", "com-a", "--user", "alice", "--chip", "h800"]


@pytest.mark.usefixtures("active")
def test_a_submitted_job_runs_after_an_advance_and_the_queue_shows_it() -> None:
    done = runner.invoke(app, [*SUBMIT, "--gpus", "4", "--hours", "5", "--limit-hours", "6"])
    assert done.exit_code == 0, done.output
    job = EmbeddedJob.objects.get()
    assert done.output.strip() == f"Submitted batch job {job.pk}"
    assert AuditEvent.objects.filter(verb="cluster.job.submit").count() == 1
    advanced = runner.invoke(app, ["cluster", "advance"])
    assert advanced.exit_code == 0, advanced.output
    assert "1 running" in advanced.output
    shown = json.loads(runner.invoke(app, ["cluster", "queue", "--json"]).output)
    assert (shown["gpus"], shown["busy"], shown["policy"]) == (32, 4, "backfill")
    assert [(j["job_id"], j["state"], j["account"]) for j in shown["jobs"]] == [
        (job.pk, "RUNNING", "com-a")
    ]
    text = runner.invoke(app, ["cluster", "queue"]).output
    assert "4/32 GPUs in use, 1 running, 0 pending; 0% used over the last 24 hours" in text
    assert f"{job.pk} RUNNING  com-a" in text


@pytest.mark.usefixtures("active")
def test_a_job_slurm_would_refuse_exits_2_with_one_line_and_stores_nothing() -> None:
    refused = runner.invoke(
        app, [*SUBMIT[:5], "mallory", *SUBMIT[6:], "--hours", "1", "--limit-hours", "1"]
    )
    assert refused.exit_code == 2
    assert "user: 'mallory' is not a member of com-a" in refused.output
    assert not EmbeddedJob.objects.exists()


def test_advance_as_json_names_what_it_did() -> None:
    shown = json.loads(runner.invoke(app, ["cluster", "advance", "--json"]).output)
    assert "0 ended, 0 running, 0 pending" in shown["detail"]


@pytest.mark.usefixtures("active")
@pytest.mark.parametrize(
    ("hours", "option"),
    [("1", "--limit-hours: the time limit must be at least 60 s"), ("inf", "'--hours'")],
)
def test_a_refused_submission_names_the_option_not_the_actions_field(
    hours: str, option: str
) -> None:
    result = runner.invoke(app, [*SUBMIT, "--hours", hours, "--limit-hours", "0.01"])
    assert result.exit_code == 2
    assert option in result.output
    assert "Traceback" not in result.output
    assert not EmbeddedJob.objects.exists()


@pytest.mark.usefixtures("active")
def test_a_refusal_of_any_job_field_names_its_option_from_the_one_table() -> None:
    result = runner.invoke(app, [*SUBMIT, "--gpus", "1000", "--hours", "1", "--limit-hours", "1"])
    assert result.exit_code == 2
    assert "aisc: --gpus: job cannot run on this cluster" in result.output
    assert not EmbeddedJob.objects.exists()


@pytest.mark.usefixtures("active")
def test_the_audit_row_of_a_submission_holds_every_field_of_the_table_as_stored() -> None:
    from aisc.web.cluster.job_fields import FIELDS

    args = [*SUBMIT[:-1], "H800", "--gpus", "2", "--hours", "1.5", "--limit-hours", "2"]
    assert runner.invoke(app, args).exit_code == 0
    (row,) = AuditEvent.objects.filter(verb="cluster.job.submit")
    assert list(row.after or {}) == [f.name for f in FIELDS]
    assert row.after == {"account": "com-a", "user": "alice", "gpus": 2, "chip": "h800",
                         "work_s": 5400, "time_limit_s": 7200}  # fmt: skip


def test_the_submit_help_says_which_sbatch_option_each_option_stands_for() -> None:
    shown = runner.invoke(app, ["cluster", "submit", "--help"], env={"COLUMNS": "200"}).output
    assert "(sbatch --time)" in shown
    assert "(sbatch --gres=gpu:TYPE)" in shown
