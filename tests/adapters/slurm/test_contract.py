"""One contract for every SlurmAdapter: what is applied reads back the same, and Slurm's
refusals surface as SlurmCommandFailed."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from aisc.adapters.slurm.errors import SlurmCommandFailed
from aisc.adapters.slurm.protocol import SlurmAdapter
from aisc.core.allocations.diff import diff
from aisc.core.allocations.slurmstate import (
    ROOT_ACCOUNT,
    Account,
    Change,
    Qos,
    Reservation,
    SlurmState,
    UserAssoc,
)
from tests.adapters.slurm.conftest import StartJob

NOW = dt.datetime.now(dt.UTC)


def sample_state() -> SlurmState:
    start = (NOW + dt.timedelta(days=2)).replace(second=0, microsecond=0)
    return SlurmState(
        accounts={
            ROOT_ACCOUNT: Account(ROOT_ACCOUNT, "root", "aisc", "aisc", qos=("normal",)),
            "c2026a": Account("c2026a", ROOT_ACCOUNT, "call c2026a", "aisc", qos=("normal",)),
            "p2026a-001": Account(
                "p2026a-001",
                "c2026a",
                "grant p2026a-001",
                "harbour-u",
                grp_tres_mins=(("gres/gpu:br104", 1200), ("gres/gpu:h800", 6000)),
                qos=("aisc-subsidy", "normal"),
                default_qos="aisc-subsidy",
            ),
            "p2026a-002": Account(
                "p2026a-002",
                "c2026a",
                "grant p2026a-002",
                "kowloon-ai",
                grp_tres_mins=(("gres/gpu:h800", 600),),
                qos=("aisc-subsidy", "normal"),
                default_qos="aisc-subsidy",
                grp_jobs=0,
                grp_submit_jobs=0,
            ),
        },
        users={UserAssoc("alice", "p2026a-001"), UserAssoc("bob", "p2026a-002")},
        qos={"aisc-subsidy": Qos("aisc-subsidy", 100, (("gres/gpu", 16),))},
        reservations={
            "aisc-p2026a-001": Reservation(
                "aisc-p2026a-001",
                ("p2026a-001",),
                ("h800-02",),
                start,
                start + dt.timedelta(days=30),
            )
        },
    )


def converge(adapter: SlurmAdapter, desired: SlurmState) -> list[Change]:
    changes = diff(adapter.read_state(), desired, now=NOW)
    for change in changes:
        adapter.apply(change)
    return changes


def test_applying_the_diff_to_an_empty_cluster_reads_back_as_the_desired_state(
    slurm: tuple[SlurmAdapter, StartJob],
) -> None:
    adapter, _ = slurm
    desired = sample_state()
    changes = converge(adapter, desired)
    assert {c.action for c in changes} == {"add"}
    actual = adapter.read_state()
    assert actual.accounts == desired.accounts
    assert actual.users == desired.users
    assert actual.qos == desired.qos
    assert actual.reservations == desired.reservations
    assert diff(actual, desired, now=NOW) == []


def test_budgets_suspension_and_qos_changes_round_trip(
    slurm: tuple[SlurmAdapter, StartJob],
) -> None:
    adapter, _ = slurm
    converge(adapter, sample_state())
    desired = sample_state()
    p1, p2 = desired.accounts["p2026a-001"], desired.accounts["p2026a-002"]
    # a budget grows on one chip and disappears on the other; p2 is lifted from suspension
    desired.accounts["p2026a-001"] = dataclasses.replace(
        p1, grp_tres_mins=(("gres/gpu:h800", 9000),), grp_jobs=0, grp_submit_jobs=0
    )
    desired.accounts["p2026a-002"] = dataclasses.replace(p2, grp_jobs=None, grp_submit_jobs=None)
    desired.qos["aisc-subsidy"] = Qos("aisc-subsidy", 50, (("gres/gpu", 32),))
    res = desired.reservations["aisc-p2026a-001"]
    desired.reservations[res.name] = dataclasses.replace(res, end=res.end + dt.timedelta(days=1))
    changes = converge(adapter, desired)
    assert [c.action for c in changes] == ["modify"] * 4
    actual = adapter.read_state()
    assert actual.accounts["p2026a-001"].grp_tres_mins == (("gres/gpu:h800", 9000),)
    assert actual.accounts["p2026a-001"].suspended
    assert not actual.accounts["p2026a-002"].suspended
    assert actual.qos == desired.qos
    assert actual.reservations == desired.reservations


def test_removing_users_accounts_qos_and_reservations_round_trips(
    slurm: tuple[SlurmAdapter, StartJob],
) -> None:
    adapter, _ = slurm
    converge(adapter, sample_state())
    desired = sample_state()
    del desired.accounts["p2026a-002"]
    desired.users = {UserAssoc("alice", "p2026a-001")}
    desired.reservations = {}
    changes = converge(adapter, desired)
    assert [(c.action, c.kind) for c in changes] == [
        ("remove", "reservation"),
        ("remove", "user"),
        ("remove", "account"),
    ]
    assert adapter.read_state().accounts.keys() == desired.accounts.keys()
    assert adapter.read_state().users == desired.users


def test_active_jobs_are_counted_per_account_until_cancelled(
    slurm: tuple[SlurmAdapter, StartJob],
) -> None:
    # Slurm's own refusal to delete an account with jobs is racy (slurmdbd learns of a job
    # late), so the reconciler asks active_jobs first; this is what it relies on.
    adapter, start_job = slurm
    state = sample_state()
    state.reservations = {}
    converge(adapter, state)
    start_job("alice", "p2026a-001")
    assert adapter.active_jobs("p2026a-001") == 1
    assert adapter.active_jobs("p2026a-002") == 0
    adapter.cancel_jobs("p2026a-001")
    assert adapter.active_jobs("p2026a-001") == 0


def test_slurm_refuses_a_budget_on_a_chip_it_does_not_account_for(
    slurm: tuple[SlurmAdapter, StartJob],
) -> None:
    adapter, _ = slurm
    converge(adapter, SlurmState(accounts={ROOT_ACCOUNT: sample_state().accounts[ROOT_ACCOUNT]}))
    bad = Account("p-bad", ROOT_ACCOUNT, "bad", "bad", grp_tres_mins=(("gres/gpu:h100", 60),))
    with pytest.raises(SlurmCommandFailed, match="h100"):
        adapter.apply(Change("add", "account", bad.name, after=bad))


def test_an_account_under_a_missing_parent_is_refused(
    slurm: tuple[SlurmAdapter, StartJob],
) -> None:
    adapter, _ = slurm
    orphan = Account("p-orphan", "no-such-call", "orphan", "orphan")
    with pytest.raises(SlurmCommandFailed, match="no-such-call"):
        adapter.apply(Change("add", "account", orphan.name, after=orphan))
    assert "p-orphan" not in adapter.read_state().accounts


def test_a_reservation_on_an_unknown_node_is_refused(
    slurm: tuple[SlurmAdapter, StartJob],
) -> None:
    adapter, _ = slurm
    state = sample_state()
    state.reservations = {}
    converge(adapter, state)
    res = dataclasses.replace(sample_state().reservations["aisc-p2026a-001"], nodes=("h900-09",))
    with pytest.raises(SlurmCommandFailed, match=r"h900-09|[Ii]nvalid node"):
        adapter.apply(Change("add", "reservation", res.name, after=res))
    assert adapter.read_state().reservations == {}


def test_the_cluster_reports_its_typed_gpus_and_nodes(
    slurm: tuple[SlurmAdapter, StartJob],
) -> None:
    adapter, _ = slurm
    assert {"h800", "br104"} <= adapter.gpu_types()
    nodes = {n.name: n for n in adapter.nodes()}
    assert nodes["h800-01"].chip == "h800"
    assert nodes["h800-01"].partition == "h800"
    assert nodes["br104-02"].gpus == 8
    assert nodes["br104-02"].partition == "br104"


def test_sacct_returns_parsable_records_with_the_requested_columns(
    slurm: tuple[SlurmAdapter, StartJob],
) -> None:
    adapter, _ = slurm
    out = adapter.sacct(["-a", "-X", "--parsable2", "--format=JobID,Account,State", "-S", "now"])
    assert out.splitlines()[0] == "JobID|Account|State"
