"""Desired Slurm state from allocations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from aisc.core.allocations.provisioning import AllocationSpec, desired_state, slug
from aisc.core.allocations.slurmstate import ROOT_ACCOUNT, UserAssoc

D = Decimal
START = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
END = dt.datetime(2027, 6, 1, tzinfo=dt.UTC)


def spec(**changes: object) -> AllocationSpec:
    fields: dict[str, object] = {
        "project_code": "p2026a-001",
        "parent": "c2026a",
        "organisation": "Harbour University",
        "status": "active",
        "subsidised": True,
        "released": {"h800": D("100.5")},
        "start": START,
        "end": END,
        "members": ("alice",),
    }
    fields.update(changes)
    return AllocationSpec(**fields)  # type: ignore[arg-type]


def test_an_active_allocation_is_an_account_under_its_call_with_typed_gpu_minutes() -> None:
    plan = desired_state([spec()], ["h800", "br104"])
    account = plan.desired.accounts["p2026a-001"]
    assert account.parent == "c2026a"
    assert plan.desired.accounts["c2026a"].parent == ROOT_ACCOUNT
    assert plan.desired.accounts[ROOT_ACCOUNT].parent == "root"
    # released hours in whole minutes; every other chip of the cluster gets a zero budget
    assert account.grp_tres_mins == (("gres/gpu:br104", 0), ("gres/gpu:h800", 6030))
    assert account.default_qos == "aisc-subsidy"
    assert account.organization == "harbour-university"
    assert not account.suspended
    assert plan.desired.users == {UserAssoc("alice", "p2026a-001")}
    assert plan.problems == []


def test_expired_and_suspended_allocations_stay_but_take_no_new_jobs() -> None:
    plan = desired_state([spec(status="expired"), spec(project_code="p2", status="suspended")], [])
    assert plan.desired.accounts["p2026a-001"].suspended
    assert plan.desired.accounts["p2"].suspended


def test_pending_and_closed_allocations_have_no_account() -> None:
    plan = desired_state([spec(status="pending"), spec(project_code="p2", status="closed")], [])
    assert set(plan.desired.accounts) == {ROOT_ACCOUNT}


def test_a_commercial_tenant_gets_the_commercial_qos() -> None:
    plan = desired_state([spec(parent="commercial", subsidised=False)], ["h800"])
    assert plan.desired.accounts["p2026a-001"].default_qos == "aisc-commercial"
    assert plan.desired.accounts["commercial"].parent == ROOT_ACCOUNT


def test_a_dedicated_tenant_gets_a_reservation_of_its_nodes_while_active() -> None:
    plan = desired_state([spec(dedicated_nodes=("h800-02", "h800-01"))], ["h800"])
    res = plan.desired.reservations["aisc-p2026a-001"]
    assert res.nodes == ("h800-01", "h800-02")
    assert res.accounts == ("p2026a-001",)
    assert (res.start, res.end) == (START, END)
    expired = desired_state([spec(status="expired", dedicated_nodes=("h800-01",))], ["h800"])
    assert expired.desired.reservations == {}


def test_a_chip_the_cluster_lacks_is_reported_as_a_problem() -> None:
    plan = desired_state([spec(released={"h100": D(10)})], ["h800"])
    assert plan.desired.accounts["p2026a-001"].grp_tres_mins == (("gres/gpu:h800", 0),)
    assert plan.problems == [
        "p2026a-001: the cluster has no h100 GPUs (gres/gpu:h100); its 10 released h100 "
        "GPU-hours cannot be enforced"
    ]


def test_names_slurm_cannot_take_leave_the_allocation_out_with_a_problem() -> None:
    plan = desired_state([spec(members=("Alice Smith",))], ["h800"])
    assert "p2026a-001" not in plan.desired.accounts
    assert plan.problems == [
        "p2026a-001: 'Alice Smith' is not a valid Slurm name (lower-case letters, digits, "
        "'-' and '_', at most 40) - left out"
    ]


def test_an_organisation_slug_is_never_empty() -> None:
    assert slug("香港") == "none"
    assert slug("Kowloon AI Ltd.") == "kowloon-ai-ltd"
