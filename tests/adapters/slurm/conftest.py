"""The contract suite runs against the fake always, and against the real test cluster
(scripts/slurm-test-cluster up) under the `slurm` marker."""

from __future__ import annotations

import datetime as dt
import subprocess
import time
from collections.abc import Callable, Iterator

import pytest

from aisc.adapters.slurm.cli import CliSlurm
from aisc.adapters.slurm.fake import FakeSlurm
from aisc.adapters.slurm.protocol import SlurmAdapter
from aisc.core.allocations.diff import diff
from aisc.core.allocations.slurmstate import SlurmState

StartJob = Callable[[str, str], None]


def clear(adapter: SlurmAdapter) -> None:
    """Remove everything of aisc's from the cluster, cancelling its jobs first."""
    actual = adapter.read_state()
    for name in actual.accounts:
        if adapter.active_jobs(name):
            adapter.cancel_jobs(name)
    for change in diff(actual, SlurmState(), now=dt.datetime.now(dt.UTC)):
        adapter.apply(change)


def _sbatch_hold(user: str, account: str) -> None:
    """A real job that stays until cancelled."""
    subprocess.run(
        ["runuser", "-u", user, "--", "sbatch", "--parsable", "-D", "/tmp", "-A", account,
         "-p", "br104", "--gres=gpu:br104:1", "-t", "5", "-o", "/dev/null", "--wrap", "sleep 300"],
        check=True, capture_output=True, text=True, timeout=30,
    )  # fmt: skip


@pytest.fixture(params=["fake", pytest.param("cli", marks=pytest.mark.slurm)])
def slurm(request: pytest.FixtureRequest) -> Iterator[tuple[SlurmAdapter, StartJob]]:
    if request.param == "fake":
        fake = FakeSlurm()
        yield fake, lambda user, account: fake.start_job(account)
        return
    real = CliSlurm()
    clear(real)
    yield real, _sbatch_hold
    clear(real)


def wait_until(predicate: Callable[[], bool], seconds: float = 20.0) -> bool:
    """Poll a condition the cluster reaches on its own (it is asynchronous); bounded."""
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.3)
    return True
