"""The diff between actual and desired Slurm state: complete, ordered, and empty when done."""

from __future__ import annotations

import datetime as dt

from aisc.core.allocations.diff import diff
from aisc.core.allocations.slurmstate import (
    Account,
    Change,
    Qos,
    Reservation,
    SlurmState,
    UserAssoc,
    format_tres,
    gpu_tres,
    tres,
)

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def state() -> SlurmState:
    return SlurmState(
        accounts={
            "aisc": Account("aisc", "root", qos=("normal",)),
            "c1": Account("c1", "aisc", qos=("normal",)),
            "p1": Account("p1", "c1", grp_tres_mins=tres({gpu_tres("h800"): 600})),
        },
        users={UserAssoc("alice", "p1")},
        qos={"aisc-subsidy": Qos("aisc-subsidy", 100)},
        reservations={
            "aisc-p1": Reservation(
                "aisc-p1",
                ("p1",),
                ("h800-02",),
                NOW - dt.timedelta(days=1),
                NOW + dt.timedelta(days=9),
            )
        },
    )


def test_equal_states_have_no_difference() -> None:
    assert diff(state(), state(), now=NOW) == []


def test_building_from_nothing_adds_qos_parents_children_users_then_reservations() -> None:
    changes = diff(SlurmState(), state(), now=NOW)
    assert [(c.action, c.kind, c.name) for c in changes] == [
        ("add", "qos", "aisc-subsidy"),
        ("add", "account", "aisc"),
        ("add", "account", "c1"),
        ("add", "account", "p1"),
        ("add", "user", "alice@p1"),
        ("add", "reservation", "aisc-p1"),
    ]


def test_tearing_down_removes_in_the_reverse_order() -> None:
    changes = diff(state(), SlurmState(), now=NOW)
    assert [(c.action, c.kind, c.name) for c in changes] == [
        ("remove", "reservation", "aisc-p1"),
        ("remove", "user", "alice@p1"),
        ("remove", "account", "p1"),
        ("remove", "account", "c1"),
        ("remove", "account", "aisc"),
        ("remove", "qos", "aisc-subsidy"),
    ]


def test_a_changed_budget_is_one_modification_that_describes_itself() -> None:
    desired = state()
    desired.accounts["p1"] = Account("p1", "c1", grp_tres_mins=tres({gpu_tres("h800"): 900}))
    [change] = diff(state(), desired, now=NOW)
    assert change.action == "modify"
    assert (
        change.describe() == "~ account p1  grp_tres_mins: gres/gpu:h800=600 -> gres/gpu:h800=900"
    )


def test_reservations_that_both_started_already_are_the_same_whatever_their_start() -> None:
    actual = state()
    res = actual.reservations["aisc-p1"]
    actual.reservations["aisc-p1"] = Reservation(res.name, res.accounts, res.nodes, NOW, res.end)
    assert diff(actual, state(), now=NOW) == []


def test_a_future_reservation_that_moves_is_modified() -> None:
    actual, desired = state(), state()
    res = actual.reservations["aisc-p1"]
    later = NOW + dt.timedelta(days=1)
    actual.reservations["aisc-p1"] = Reservation(res.name, res.accounts, res.nodes, later, res.end)
    desired.reservations["aisc-p1"] = Reservation(
        res.name, res.accounts, res.nodes, later + dt.timedelta(hours=1), res.end
    )
    [change] = diff(actual, desired, now=NOW)
    assert (change.action, change.kind) == ("modify", "reservation")


def test_descriptions_name_the_values_of_adds_and_removals() -> None:
    res = state().reservations["aisc-p1"]
    add = Change("add", "reservation", res.name, after=res)
    assert add.describe() == (
        "+ reservation aisc-p1  accounts=p1 nodes=h800-02 "
        "start=2026-11-30 00:00 end=2026-12-10 00:00"
    )
    suspended = Account("p2", "c1", qos=("normal",), grp_jobs=0, grp_submit_jobs=0)
    assert suspended.suspended
    assert Change("remove", "account", "p2", before=suspended).describe() == (
        "- account p2  parent=c1 qos=normal grp_jobs=0 grp_submit_jobs=0"
    )
    assert Change("add", "user", "a@p", after=UserAssoc("a", "p")).describe() == (
        "+ user a@p  user=a account=p"
    )


def test_tres_are_formatted_in_slurms_syntax() -> None:
    assert format_tres(tres({"gres/gpu:h800": 60, "cpu": 2})) == "cpu=2,gres/gpu:h800=60"


def test_a_modification_without_a_before_lists_every_value_as_new() -> None:
    change = Change("modify", "qos", "aisc-x", after=Qos("aisc-x", 5))
    assert change.describe() == "~ qos aisc-x  priority: - -> 5"
