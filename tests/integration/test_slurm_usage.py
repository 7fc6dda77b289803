"""`aisc usage ingest --since T --until T` against the real test cluster (scripts/slurm-test-cluster
up): short jobs run under an allocation's account on both GPU types; the ingested records and
GPU-hours per chip match what sacct itself reports; a second run of the same window changes
nothing. Run under `flock /tmp/aisc-slurm.lock` (one driver of the cluster at a time).

A job's accounting record can be COMPLETED for `sacct -j` seconds before it enters a time window:
sacct without --state lists only jobs with an Eligible time (sacct(1), --jobs), and slurmctld
sends the eligible time of a job that started at once to slurmdbd a few seconds late, in a batch,
sometimes after the job has ended. So the test waits until the window itself lists the jobs as
ended before it ingests; in production the periodic ingest's one-hour overlap reads them on its
next run (docs/slurm.md "Test cluster")."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import zoneinfo
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from typer.testing import CliRunner

from aisc.adapters.slurm.cli import CliSlurm
from aisc.adapters.slurm.usage import sacct_args
from aisc.cli.main import app
from aisc.web.accounts.models import Organisation, User
from aisc.web.allocations import actions, sync
from aisc.web.allocations.actions import ChangeInput
from aisc.web.billing.ingest.metered import used_gpu_hours
from aisc.web.billing.models import UsageCharge, UsageRecord
from aisc.web.billing.money import gpu_hours
from tests.adapters.slurm.conftest import wait_until
from tests.integration.test_slurm_enforcement import (  # noqa: F401 - real_cluster is autouse
    allocate,
    finished,
    job_id,
    real_cluster,
    sbatch,
    squeue,
)

pytestmark = pytest.mark.slurm
D = Decimal
ACCOUNT = "p-int-usage"
UTC = zoneinfo.ZoneInfo("UTC")
SETTLE_SECONDS = 60


def sacct_truth(jobs: list[str]) -> dict[str, dict[str, Any]]:
    """What sacct says of each job, asked directly (UTC, job allocations only)."""
    out = subprocess.run(
        ["sacct", "-X", "-P", "-n", "-j", ",".join(jobs), "-o",
         "JobID,Account,State,Start,ElapsedRaw,AllocTRES"],
        capture_output=True, text=True, check=True, env={"TZ": "UTC", "PATH": "/usr/bin:/bin"},
    ).stdout  # fmt: skip
    truth: dict[str, dict[str, Any]] = {}
    for line in out.strip().splitlines():
        job, account, state, start, elapsed, tres = line.split("|")
        gpus = {
            name.split(":", 1)[1]: int(count)
            for name, count in (part.split("=") for part in tres.split(","))
            if name.startswith("gres/gpu:")
        }
        truth[job] = {
            "account": account,
            "state": state,
            "start": dt.datetime.fromisoformat(start).replace(tzinfo=dt.UTC),
            "elapsed": int(elapsed),
            "gpus": gpus,
        }
    return truth


def window(since: dt.datetime, until: dt.datetime) -> dict[str, tuple[str, str]]:
    """State and End of each job the ingest's own window query selects (same selection, our
    columns), through the adapter as the ingest reads it."""
    selection = [a for a in sacct_args(since, until, UTC) if not a.startswith("--format=")]
    out = CliSlurm().sacct([*selection, "--format=JobID,State,End"])
    rows = (line.split("|") for line in out.splitlines()[1:] if line)
    return {job: (state, end) for job, state, end in rows}


def ended_in_window(jobs: list[str], since: dt.datetime, until: dt.datetime) -> Callable[[], bool]:
    def check() -> bool:
        listed = window(since, until)
        return all(
            job in listed and listed[job][0] == "COMPLETED" and listed[job][1] != "Unknown"
            for job in jobs
        )

    return check


def ingest(since: dt.datetime, until: dt.datetime) -> dict[str, Any]:
    result = CliRunner().invoke(
        app,
        ["usage", "ingest", "--since", since.isoformat(), "--until", until.isoformat(), "--json"],
    )
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.output)
    return report


def stored() -> list[tuple[Any, ...]]:
    records = UsageRecord.objects.filter(account=ACCOUNT).order_by("job_id")
    charges = UsageCharge.objects.filter(project_code=ACCOUNT).order_by("record__job_id", "chip")
    return [
        *records.values_list("job_id", "start", "elapsed_seconds", "state", "gpus", "final"),
        *charges.values_list("record__job_id", "chip", "month", "gpu_seconds"),
    ]


def test_usage_ingest_reads_the_real_sacct_window_and_a_second_run_changes_nothing(
    org: Organisation, settings: Any, make_user: Callable[..., User]
) -> None:
    settings.TIME_ZONE = "Asia/Hong_Kong"  # sacct runs in UTC: the window must not shift by 8 h
    allocation = allocate(org, ACCOUNT, D(100), members=["alice"])
    operator = make_user("operator")
    request = actions.do_request_change(  # some of the H800 budget moves to BR104
        allocation,
        ChangeInput("exchange", "both chips", chip="h800", to_chip="br104", gpu_hours=D(20)),
        acting_user=operator,
    )
    actions.do_decide_change(request, approve=True, note="", acting_user=operator)
    outcome, _ = sync.apply()
    assert outcome.complete
    since = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(seconds=5)
    jobs = [
        job_id(sbatch("alice", "-A", ACCOUNT, "-p", "h800", "--gres=gpu:h800:2", "-t", "1",
                      "--wrap", "sleep 3")),
        job_id(sbatch("alice", "-A", ACCOUNT, "-p", "h800", "--gres=gpu:h800:1", "-t", "1",
                      "--wrap", "sleep 1")),
        job_id(sbatch("alice", "-A", ACCOUNT, "-p", "br104", "--gres=gpu:br104:4", "-t", "1",
                      "--wrap", "sleep 2")),
    ]  # fmt: skip
    for job in jobs:
        assert wait_until(finished(job), 60), f"job {job}: {squeue(job, '%T %r')}"
    until = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(seconds=5)
    # sacct -j saw them end; the window lists them only once slurmdbd has their eligible time.
    assert wait_until(ended_in_window(jobs, since, until), SETTLE_SECONDS), (
        f"after {SETTLE_SECONDS} s the window {since}..{until} lists {window(since, until)}, "
        f"while sacct -j reports {sacct_truth(jobs)}"
    )
    truth = sacct_truth(jobs)
    assert {t["account"] for t in truth.values()} == {ACCOUNT}

    first = ingest(since, until)
    # Other accounts' jobs in the window are rejected; on failure, show what the ingest saw.
    assert first["inserted"] == len(jobs), (first, truth, since, until)
    assert all("unknown account" in r["message"] for r in first["rejected"])
    records = {r.job_id: r for r in UsageRecord.objects.filter(account=ACCOUNT)}
    assert sorted(records) == sorted(jobs)
    for job, fact in truth.items():
        record = records[job]
        assert (record.state, record.final) == ("COMPLETED", True)
        assert record.elapsed_seconds == fact["elapsed"]
        assert record.start == fact["start"]
        assert record.gpus == ",".join(f"{c}={n}" for c, n in sorted(fact["gpus"].items()))
    expected: dict[str, int] = {}
    for fact in truth.values():
        for chip, count in fact["gpus"].items():
            expected[chip] = expected.get(chip, 0) + count * fact["elapsed"]
    charged: dict[str, int] = {}
    for chip, seconds in UsageCharge.objects.filter(project_code=ACCOUNT).values_list(
        "chip", "gpu_seconds"
    ):
        charged[chip] = charged.get(chip, 0) + seconds
    assert charged == expected
    assert set(charged) == {"h800", "br104"}
    assert used_gpu_hours(ACCOUNT) == {chip: gpu_hours(s) for chip, s in expected.items()}

    before = stored()
    second = ingest(since, until)
    assert (second["inserted"], second["corrected"]) == (0, 0)
    assert stored() == before
