"""Reconcile: idempotent, adds and removes, and keeps accounts that still have jobs."""

from __future__ import annotations

from aisc.adapters.slurm import reconcile
from aisc.adapters.slurm.fake import FakeSlurm
from aisc.core.allocations.slurmstate import ROOT_ACCOUNT, Account, SlurmState
from tests.adapters.slurm.test_contract import NOW, sample_state


def built() -> FakeSlurm:
    fake = FakeSlurm()
    outcome = reconcile.apply(fake, reconcile.plan(fake, sample_state(), now=NOW))
    assert outcome.complete
    return fake


def test_a_second_apply_finds_nothing_to_do() -> None:
    fake = built()
    assert reconcile.plan(fake, sample_state(), now=NOW) == []
    assert reconcile.apply(fake, []).applied == []


def test_an_account_with_jobs_its_users_and_its_parents_are_kept_without_force() -> None:
    fake = built()
    fake.start_job("p2026a-001")
    desired = SlurmState(accounts={ROOT_ACCOUNT: sample_state().accounts[ROOT_ACCOUNT]})
    outcome = reconcile.apply(fake, reconcile.plan(fake, desired, now=NOW))
    assert not outcome.complete
    blocked = {c.name: why for c, why in outcome.blocked}
    assert "still has 1 pending or running jobs; rerun with --force" in blocked["p2026a-001"]
    assert blocked["alice@p2026a-001"] == "account p2026a-001 still has jobs"
    assert blocked["c2026a"] == "an account below c2026a still has jobs"
    assert set(fake.read_state().accounts) == {ROOT_ACCOUNT, "c2026a", "p2026a-001"}
    # what remains is exactly what plan shows next time
    remaining = reconcile.plan(fake, desired, now=NOW)
    assert {c.name for c in remaining} == {"p2026a-001", "alice@p2026a-001", "c2026a"}


def test_force_cancels_the_jobs_and_removes_the_account() -> None:
    fake = built()
    fake.start_job("p2026a-001")
    desired = SlurmState(accounts={ROOT_ACCOUNT: sample_state().accounts[ROOT_ACCOUNT]})
    outcome = reconcile.apply(fake, reconcile.plan(fake, desired, now=NOW), force=True)
    assert outcome.complete
    assert set(fake.read_state().accounts) == {ROOT_ACCOUNT}
    assert fake.active_jobs("p2026a-001") == 0


def test_a_refused_change_is_reported_and_the_rest_still_applied() -> None:
    fake = FakeSlurm()
    desired = sample_state()
    desired.accounts["p-bad"] = Account("p-bad", "c2026a", grp_tres_mins=(("gres/gpu:h100", 1),))
    outcome = reconcile.apply(fake, reconcile.plan(fake, desired, now=NOW))
    assert [(c.name, "h100" in why) for c, why in outcome.failed] == [("p-bad", True)]
    assert "p2026a-001" in fake.read_state().accounts
    assert [c.name for c in reconcile.plan(fake, desired, now=NOW)] == ["p-bad"]
