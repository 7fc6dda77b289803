"""What the fake does beyond the contract: refusals the real cluster makes asynchronously,
and keeping its state in a file for the embedded demo."""

from __future__ import annotations

from pathlib import Path

import pytest

from aisc.adapters.slurm.errors import SlurmCommandFailed
from aisc.adapters.slurm.fake import FakeSlurm
from aisc.core.allocations.diff import diff
from aisc.core.allocations.slurmstate import Change
from tests.adapters.slurm.test_contract import NOW, sample_state


def apply_sample(fake: FakeSlurm) -> None:
    for change in diff(fake.read_state(), sample_state(), now=NOW):
        fake.apply(change)


def test_the_fake_refuses_to_remove_an_account_with_active_jobs() -> None:
    fake = FakeSlurm()
    apply_sample(fake)
    fake.start_job("p2026a-002")
    account = sample_state().accounts["p2026a-002"]
    with pytest.raises(SlurmCommandFailed, match="Job\\(s\\) active"):
        fake.apply(Change("remove", "account", account.name, before=account))
    assert "p2026a-002" in fake.read_state().accounts


def test_the_fake_refuses_to_remove_a_parent_before_its_children() -> None:
    fake = FakeSlurm()
    apply_sample(fake)
    call = sample_state().accounts["c2026a"]
    with pytest.raises(SlurmCommandFailed, match="child"):
        fake.apply(Change("remove", "account", call.name, before=call))


def test_the_fake_refuses_duplicates_and_changes_to_missing_things() -> None:
    fake = FakeSlurm()
    apply_sample(fake)
    state = sample_state()
    account, qos = state.accounts["p2026a-001"], state.qos["aisc-subsidy"]
    user = next(iter(state.users))
    with pytest.raises(SlurmCommandFailed, match="Nothing new added"):
        fake.apply(Change("add", "account", account.name, after=account))
    with pytest.raises(SlurmCommandFailed, match="Nothing new added"):
        fake.apply(Change("add", "user", user.name, after=user))
    with pytest.raises(SlurmCommandFailed, match="Nothing new added"):
        fake.apply(Change("add", "qos", qos.name, after=qos))
    fake.apply(Change("remove", "user", user.name, before=user))
    with pytest.raises(SlurmCommandFailed, match="no association"):
        fake.apply(Change("remove", "user", user.name, before=user))
    with pytest.raises(SlurmCommandFailed, match="does not exist"):
        fake.apply(Change("remove", "account", "nope", before=account.__class__("nope", "x")))
    with pytest.raises(SlurmCommandFailed, match="Nothing modified"):
        fake.apply(Change("modify", "account", "nope", after=account.__class__("nope", "aisc")))


def test_the_fake_refuses_unknown_qos_and_jobs_for_unknown_accounts() -> None:
    fake = FakeSlurm()
    apply_sample(fake)
    account = (
        sample_state().accounts["p2026a-001"].__class__("p-x", "c2026a", qos=("aisc-missing",))
    )
    with pytest.raises(SlurmCommandFailed, match="aisc-missing"):
        fake.apply(Change("add", "account", account.name, after=account))
    with pytest.raises(SlurmCommandFailed, match="Invalid account"):
        fake.start_job("p-nope")


def test_the_fake_keeps_its_state_in_a_file_across_instances(tmp_path: Path) -> None:
    path = tmp_path / "slurm.json"
    first = FakeSlurm(path=path)
    apply_sample(first)
    first.start_job("p2026a-001")
    first.job_records.append({"JobID": "7", "Account": "p2026a-001"})
    first.cancel_jobs("p2026a-002")
    second = FakeSlurm(path=path)
    assert diff(second.read_state(), sample_state(), now=NOW) == []
    assert second.read_state().reservations == sample_state().reservations
    assert second.active_jobs("p2026a-001") == 1
    assert second.sacct(["-n", "--format=JobID,Account"]) == "7|p2026a-001\n"
