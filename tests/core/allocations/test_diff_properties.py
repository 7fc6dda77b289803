"""The reconcile diff over random states: applying it in order reaches the desired state, every
step finds what it needs already there (QOS before accounts, parents before children, accounts
before users; removals the other way round), and a reconciled state has nothing left to do."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.allocations.diff import diff
from aisc.core.allocations.slurmstate import (
    Account,
    Change,
    Qos,
    Reservation,
    SlurmState,
    UserAssoc,
)

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
QOS = ["aisc-normal", "aisc-subsidy", "aisc-commercial"]
# A fixed tree the states draw from: aisc -> calls -> projects.
TREE = {"aisc": "root", "c1": "aisc", "c2": "aisc", "p1": "c1", "p2": "c1", "p3": "c2"}


@st.composite
def states(draw: st.DrawFn) -> SlurmState:
    """A consistent state: every account's parent is present, every QOS it names exists, every
    user's account exists."""
    qos = {q: Qos(q, draw(st.integers(0, 3))) for q in draw(st.sets(st.sampled_from(QOS)))}
    accounts: dict[str, Account] = {}
    for name, parent in TREE.items():  # parents come first in TREE
        if (parent == "root" or parent in accounts) and draw(st.booleans()):
            named = tuple(sorted(draw(st.sets(st.sampled_from(sorted(qos) or ["-"]))) - {"-"}))
            accounts[name] = Account(
                name, parent, grp_tres_mins=(("gres/gpu:h800", draw(st.integers(0, 3))),), qos=named
            )
    users = {
        UserAssoc(u, a)
        for u in draw(st.sets(st.sampled_from(["alice", "bob"])))
        for a in draw(st.sets(st.sampled_from(sorted(accounts) or ["-"])))
        if a != "-"
    }
    reservations = {
        f"aisc-{a}": Reservation(
            f"aisc-{a}",
            (a,),
            ("h800-01",),
            NOW + dt.timedelta(hours=draw(st.integers(-48, 48))),
            NOW + dt.timedelta(days=30),
        )
        for a in draw(st.sets(st.sampled_from(sorted(accounts) or ["-"])))
        if a != "-"
    }
    return SlurmState(accounts, users, qos, reservations)


def apply(state: SlurmState, change: Change) -> None:
    """Apply one change as Slurm would, refusing a step whose prerequisites are missing."""
    if change.kind == "qos":
        table: dict = state.qos  # type: ignore[type-arg]
    elif change.kind == "account":
        table = state.accounts
    elif change.kind == "reservation":
        table = state.reservations
    else:
        assoc = change.after if change.action == "add" else change.before
        assert isinstance(assoc, UserAssoc)
        if change.action == "add":
            assert assoc.account in state.accounts  # its account exists first
            state.users.add(assoc)
        else:
            state.users.remove(assoc)
        return
    if change.action == "remove":
        if change.kind == "account":  # no child account and no user may still hang off it
            assert not any(a.parent == change.name for a in state.accounts.values())
            assert not any(u.account == change.name for u in state.users)
        if change.kind == "qos":  # no account may still name it
            assert not any(change.name in a.qos for a in state.accounts.values())
        del table[change.name]
        return
    item = change.after
    if isinstance(item, Account):
        assert item.parent == "root" or item.parent in state.accounts
        assert all(q in state.qos for q in item.qos)
    assert (change.name in table) == (change.action == "modify")
    table[change.name] = item


@settings(max_examples=60)
@given(actual=states(), desired=states())
def test_applying_the_diff_in_order_reaches_the_desired_state(
    actual: SlurmState, desired: SlurmState
) -> None:
    changes = diff(actual, desired, now=NOW)
    for change in changes:
        apply(actual, change)
    assert actual.accounts == desired.accounts
    assert actual.qos == desired.qos
    assert actual.users == desired.users
    assert actual.reservations.keys() == desired.reservations.keys()
    assert diff(actual, desired, now=NOW) == []  # nothing left to do once reconciled


@settings(max_examples=60)
@given(actual=states(), desired=states())
def test_the_diff_names_each_object_at_most_once_and_describes_every_step(
    actual: SlurmState, desired: SlurmState
) -> None:
    changes = diff(actual, desired, now=NOW)
    named = [(c.kind, c.name) for c in changes]
    assert len(named) == len(set(named))
    for change in changes:
        text = change.describe()
        assert text.startswith({"add": "+", "modify": "~", "remove": "-"}[change.action])
        assert f"{change.kind} {change.name}" in text


@settings(max_examples=30)
@given(states())
def test_a_state_compared_with_itself_needs_no_change(state: SlurmState) -> None:
    assert diff(state, state, now=NOW) == []
