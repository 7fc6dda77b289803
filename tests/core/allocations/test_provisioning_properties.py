"""The desired Slurm state of any set of allocations: a consistent tree, budgets in whole
GPU-minutes on every chip the cluster counts, suspension exactly where no new job may start,
and a plan the reconcile diff can build from nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.allocations.diff import diff
from aisc.core.allocations.lifecycle import NO_NEW_JOBS, PROVISIONED, Status
from aisc.core.allocations.provisioning import (
    COMMERCIAL_PARENT,
    AllocationSpec,
    desired_state,
    reservation_name,
)
from aisc.core.allocations.slurmstate import ROOT_ACCOUNT, SlurmState, gpu_tres

START = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
END = dt.datetime(2027, 6, 1, tzinfo=dt.UTC)
TYPES = ["br104", "h800"]
specs = st.lists(
    st.builds(
        AllocationSpec,
        project_code=st.sampled_from(["p1", "p2", "p3", "p4", "Bad Name"]),
        parent=st.sampled_from(["c2026a", "c2026b", COMMERCIAL_PARENT]),
        organisation=st.sampled_from(["Harbour University", "  ", "Lab & Co."]),
        status=st.sampled_from([s.value for s in Status]),
        subsidised=st.booleans(),
        released=st.dictionaries(
            st.sampled_from(["h800", "br104", "mi300x"]),
            st.integers(-100, 10**7).map(lambda h: Decimal(h) / 100),
        ),
        start=st.just(START),
        end=st.just(END),
        members=st.lists(st.sampled_from(["alice", "bob", "Eve"]), max_size=2, unique=True).map(
            tuple
        ),
        dedicated_nodes=st.sampled_from([(), ("h800-02", "h800-01")]),
    ),
    max_size=6,
    unique_by=lambda s: s.project_code,
)


@settings(max_examples=100)
@given(specs)
def test_the_desired_state_is_a_tree_of_valid_accounts_with_whole_minute_budgets(
    allocations: list[AllocationSpec],
) -> None:
    plan = desired_state(allocations, TYPES)
    accounts = plan.desired.accounts
    assert accounts[ROOT_ACCOUNT].parent == "root"
    for account in accounts.values():
        assert account.parent == "root" or account.parent in accounts
    assert all(u.account in accounts for u in plan.desired.users)
    for spec in allocations:
        status = Status(spec.status)
        kept = spec.project_code in accounts
        named_well = " " not in spec.project_code and "Eve" not in spec.members
        assert kept == (status in PROVISIONED and named_well)
        if not kept:
            continue
        account = accounts[spec.project_code]
        assert account.parent == spec.parent
        budget = dict(account.grp_tres_mins)
        assert set(budget) == {gpu_tres(c) for c in TYPES}  # every chip, none free by omission
        for chip in TYPES:
            hours = spec.released.get(chip, Decimal(0))
            assert budget[gpu_tres(chip)] == max(int((hours * 60) // 1), 0)
        assert account.suspended == (status in NO_NEW_JOBS)
        assert account.default_qos in account.qos
        reserved = reservation_name(spec.project_code) in plan.desired.reservations
        assert reserved == (bool(spec.dedicated_nodes) and status is Status.ACTIVE)
        if "mi300x" in spec.released:  # a chip the cluster does not count is reported
            assert any("no mi300x GPUs" in p and spec.project_code in p for p in plan.problems)


@settings(max_examples=100)
@given(specs)
def test_the_diff_from_an_empty_cluster_adds_exactly_the_desired_objects(
    allocations: list[AllocationSpec],
) -> None:
    desired = desired_state(allocations, TYPES).desired
    changes = diff(SlurmState(), desired, now=START)
    assert {c.action for c in changes} <= {"add"}
    added = {(c.kind, c.name) for c in changes}
    assert added == (
        {("account", a) for a in desired.accounts}
        | {("qos", q) for q in desired.qos}
        | {("user", u.name) for u in desired.users}
        | {("reservation", r) for r in desired.reservations}
    )
    # The same allocations planned twice give the same state: reconciling twice is a no-op.
    again = desired_state(list(reversed(allocations)), list(reversed(TYPES))).desired
    assert diff(desired, again, now=START) == []
