"""What only the real cluster can show about CliSlurm (scripts/slurm-test-cluster up): accounts
that are not aisc's, and Slurm's own client messages when its daemons do not answer."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from aisc.adapters.slurm.cli import CliSlurm
from aisc.adapters.slurm.errors import SlurmUnreachable
from aisc.adapters.slurm.runner import Runner
from aisc.core.allocations.diff import diff
from aisc.core.allocations.slurmstate import ROOT_ACCOUNT
from tests.adapters.slurm.conftest import clear
from tests.adapters.slurm.test_contract import NOW, converge, sample_state

pytestmark = pytest.mark.slurm
SLURM_CONF = Path("/etc/slurm/slurm.conf")


@pytest.fixture
def real() -> Iterator[CliSlurm]:
    adapter = CliSlurm()
    clear(adapter)
    yield adapter
    clear(adapter)


@pytest.fixture
def foreign_account() -> Iterator[str]:
    """A site's own account beside aisc's tree, with `|` in its free text (Slurm allows it)."""
    name = "ext-lab"
    subprocess.run(
        ["sacctmgr", "-i", "add", "account", name, "parent=root",
         "Description=physics | optics lab", "Organization=uni | dept"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    yield name
    subprocess.run(["sacctmgr", "-i", "delete", "account", name], capture_output=True, check=False)


def test_a_foreign_account_with_a_bar_in_its_description_does_not_stop_aisc_reading_its_own(
    real: CliSlurm, foreign_account: str
) -> None:
    desired = sample_state()
    converge(real, desired)
    state = real.read_state()
    assert foreign_account not in state.accounts
    assert ROOT_ACCOUNT in state.accounts
    assert diff(state, desired, now=NOW) == []


@pytest.fixture
def deaf_conf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The test cluster's slurm.conf with slurmdbd and slurmctld on port 1, where nothing
    listens: every client command gets Slurm's own 'cannot connect' answer."""
    conf = SLURM_CONF.read_text()
    for key in ("AccountingStoragePort", "SlurmctldPort"):
        conf = re.sub(rf"^{key}=.*$", f"{key}=1", conf, flags=re.M)
    path = tmp_path / "slurm.conf"
    path.write_text(conf)
    monkeypatch.setenv("SLURM_CONF", str(path))


@pytest.mark.usefixtures("deaf_conf")
def test_slurm_that_does_not_answer_is_unreachable_after_the_retries_not_a_refusal() -> None:
    waits: list[float] = []
    adapter = CliSlurm(Runner(sleep=waits.append))  # the backoff is recorded, not slept
    with pytest.raises(SlurmUnreachable, match=r"sacctmgr .*failed 4 times.*Connection refused"):
        adapter.read_state()
    with pytest.raises(SlurmUnreachable, match=r"sacct .*failed 4 times.*Connection refused"):
        adapter.sacct(["-a", "-X", "--parsable2", "--format=JobID", "-S", "now"])
    assert waits == [0.5, 1.0, 2.0] * 2
    # slurmctld's clients retry for about 9 s themselves before they give up: one attempt here
    once = CliSlurm(Runner(attempts=1))
    with pytest.raises(SlurmUnreachable, match="Unable to contact slurm controller"):
        once.active_jobs("aisc")
