"""Allocations enforced by a real Slurm (scripts/slurm-test-cluster up): jobs run under the
project's account on both GPU types, a job beyond the budget waits instead of being killed,
hand-made drift is found and repaired, dedicated nodes refuse other tenants."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from typer.testing import CliRunner

from aisc.adapters.slurm.cli import CliSlurm
from aisc.cli.main import app
from aisc.web.accounts.models import Organisation, User
from aisc.web.allocations import actions, sync
from aisc.web.allocations.actions import ChangeInput, NewAllocation
from aisc.web.allocations.models import Allocation
from aisc.web.catalogue import demo as catalogue_demo
from aisc.web.demo import DemoReport
from tests.adapters.slurm.conftest import clear, wait_until

pytestmark = pytest.mark.slurm
D = Decimal


@pytest.fixture(autouse=True)
def real_cluster(settings: Any, db: Any) -> Iterator[None]:
    settings.AISC_CLUSTER = "slurm"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    catalogue_demo.load(DemoReport())
    clear(CliSlurm())
    yield
    clear(CliSlurm())


def allocate(org: Organisation, code: str, hours: Decimal, **changes: Any) -> Allocation:
    today = timezone.localdate()
    fields: dict[str, Any] = {
        "project_code": code,
        "organisation": org,
        "parent_account": "c2026a",
        "subsidised": True,
        "chip": "h800",
        "start_date": today - dt.timedelta(days=1),
        "end_date": today + dt.timedelta(days=30),
        "tranches": [(1, hours, True)],
        "members": ["alice"],
    }
    fields.update(changes)
    allocation = actions.do_create_allocation(NewAllocation(**fields), acting_user=None)
    actions.do_advance_by_date(today)
    return allocation


def sbatch(user: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["runuser", "-u", user, "--", "sbatch", "--parsable", "-D", "/tmp", "-o", "/dev/null",
         *args],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip


def job_id(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().split(";")[0]


def squeue(job: str, fmt: str) -> str:
    out = subprocess.run(
        ["squeue", "-h", "-j", job, "-o", fmt], capture_output=True, text=True, check=False
    )
    return out.stdout.strip()


def finished(job: str) -> Callable[[], bool]:
    def check() -> bool:
        out = subprocess.run(
            ["sacct", "-n", "-X", "-P", "-j", job, "-o", "State"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        return out.stdout.strip() == "COMPLETED"

    return check


def test_an_allocation_runs_jobs_under_its_account_on_h800_and_br104(
    org: Organisation, make_user: Callable[..., User]
) -> None:
    allocation = allocate(org, "p-int-run", D(100))
    operator = make_user("operator")
    request = actions.do_request_change(
        allocation,
        ChangeInput("exchange", "port to br104", chip="h800", to_chip="br104", gpu_hours=D(20)),
        acting_user=operator,
    )
    actions.do_decide_change(request, approve=True, note="", acting_user=operator)
    outcome, remaining = sync.apply()
    assert outcome.complete
    assert remaining.changes == []
    h800 = job_id(sbatch("alice", "-A", "p-int-run", "-p", "h800", "--gres=gpu:h800:2", "-t", "1",
                         "--wrap", "true"))  # fmt: skip
    br104 = job_id(sbatch("alice", "-A", "p-int-run", "-p", "br104", "--gres=gpu:br104:2", "-t",
                          "1", "--wrap", "true"))  # fmt: skip
    assert wait_until(finished(h800), 30)
    assert wait_until(finished(br104), 30)


def test_a_job_beyond_the_budget_is_held_pending_not_killed(org: Organisation) -> None:
    allocate(org, "p-int-budget", D("0.1"))  # 6 GPU-minutes of h800
    sync.apply()
    big = job_id(sbatch("alice", "-A", "p-int-budget", "-p", "h800", "--gres=gpu:h800:2", "-t",
                        "5", "--wrap", "true"))  # fmt: skip
    assert wait_until(lambda: squeue(big, "%T %r") == "PENDING AssocGrpGRESMinutes", 20)
    small = job_id(sbatch("alice", "-A", "p-int-budget", "-p", "h800", "--gres=gpu:h800:1", "-t",
                          "2", "--wrap", "true"))  # fmt: skip
    assert wait_until(finished(small), 30)
    assert squeue(big, "%T %r") == "PENDING AssocGrpGRESMinutes"


def test_drift_made_by_hand_is_detected_by_check_and_repaired_by_apply(
    org: Organisation,
) -> None:
    allocate(org, "p-int-drift", D(10))
    sync.apply()
    runner = CliRunner()
    assert runner.invoke(app, ["slurm", "check"]).exit_code == 0
    subprocess.run(
        ["sacctmgr", "-i", "modify", "account", "p-int-drift", "set",
         "GrpTRESMins=gres/gpu:h800=999999"],
        check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run(["sacctmgr", "-i", "add", "user", "bob", "account=p-int-drift"], check=True,
                   capture_output=True)  # fmt: skip
    drifted = runner.invoke(app, ["slurm", "check"])
    assert drifted.exit_code == 1
    assert "~ account p-int-drift  grp_tres_mins: gres/gpu:br104=0,gres/gpu:h800=999999" in (
        drifted.output
    )
    assert "- user bob@p-int-drift" in drifted.output
    assert runner.invoke(app, ["slurm", "apply"]).exit_code == 0
    assert runner.invoke(app, ["slurm", "check"]).exit_code == 0
    assocs = subprocess.run(
        ["sacctmgr", "-n", "-P", "show", "assoc", "account=p-int-drift", "format=user,grptresmins"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert assocs == ["|gres/gpu:br104=0,gres/gpu:h800=600", "alice|"]


def test_dedicated_nodes_refuse_other_accounts_jobs(org: Organisation, tmp_path: Path) -> None:
    allocate(org, "p-int-own", D(50), dedicated_nodes=["h800-02"])
    allocate(org, "p-int-other", D(50), members=["bob"])
    sync.apply()
    denied = sbatch("bob", "-A", "p-int-other", "--reservation=aisc-p-int-own",
                    "--gres=gpu:h800:1", "-t", "1", "--wrap", "true")  # fmt: skip
    assert denied.returncode != 0
    assert "Access denied to requested reservation" in denied.stderr
    # asking for the node itself does not get it either: the job waits for it
    waiting = job_id(sbatch("bob", "-A", "p-int-other", "-w", "h800-02", "--gres=gpu:h800:1",
                            "-t", "1", "--wrap", "true"))  # fmt: skip
    assert wait_until(lambda: squeue(waiting, "%T").startswith("PENDING"), 10)
    assert "Reserved" in squeue(waiting, "%r") or "ReqNodeNotAvail" in squeue(waiting, "%r")
    own = job_id(sbatch("alice", "-A", "p-int-own", "--reservation=aisc-p-int-own",
                        "--gres=gpu:h800:8", "-t", "1", "--wrap", "true"))  # fmt: skip
    assert wait_until(finished(own), 30)
    node = subprocess.run(
        ["sacct", "-n", "-X", "-P", "-j", own, "-o", "NodeList"], capture_output=True, text=True,
        check=True,
    ).stdout.strip()  # fmt: skip
    assert node == "h800-02"


def test_an_expired_allocation_takes_no_new_jobs(org: Organisation) -> None:
    allocation = allocate(org, "p-int-expired", D(10))
    actions.do_advance_by_date(allocation.end_date + dt.timedelta(days=1))
    sync.apply()
    refused = sbatch("alice", "-A", "p-int-expired", "--gres=gpu:h800:1", "-t", "1", "--wrap",
                     "true")  # fmt: skip
    assert refused.returncode != 0
    assert "Job violates accounting/QOS policy" in refused.stderr


def test_an_exhausted_allocation_takes_no_new_jobs_until_it_is_topped_up(
    org: Organisation,
) -> None:
    # The credit lifecycle's stop at 100 % (aisc.web.allocations.credit) is this transition.
    allocation = allocate(org, "p-int-exhausted", D(10))
    actions.do_transition(allocation, "exhaust", acting_user=None)
    sync.apply()
    refused = sbatch("alice", "-A", "p-int-exhausted", "--gres=gpu:h800:1", "-t", "1", "--wrap",
                     "true")  # fmt: skip
    assert refused.returncode != 0
    assert "Job violates accounting/QOS policy" in refused.stderr
    actions.do_transition(allocation, "top_up", acting_user=None)
    sync.apply()
    again = job_id(sbatch("alice", "-A", "p-int-exhausted", "-p", "h800", "--gres=gpu:h800:1",
                          "-t", "1", "--wrap", "true"))  # fmt: skip
    assert wait_until(finished(again), 30)
