"""Slurm's refusals, one contract for the fake and the real cluster (the `slurm` fixture): what
exists cannot be added again, what does not exist cannot be changed or removed, and a name Slurm
does not know (account, QOS, TRES, sacct field) is refused. The two word their messages
differently, so each refusal is checked as a SlurmCommandFailed that names what was refused, and
the state read back afterwards shows the refused change nowhere."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

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
from tests.adapters.slurm.test_contract import NOW, converge, sample_state

START = (NOW + dt.timedelta(days=2)).replace(second=0, microsecond=0)
END = START + dt.timedelta(days=1)


def base(adapter: SlurmAdapter) -> SlurmState:
    """Part of the sample, applied: aisc, c2026a, p2026a-001 with alice, the QOS (each command
    to the real cluster costs about a second, so no more than the refusals need)."""
    sample = sample_state()
    state = SlurmState(
        accounts={name: sample.accounts[name] for name in (ROOT_ACCOUNT, "c2026a", "p2026a-001")},
        users={UserAssoc("alice", "p2026a-001")},
        qos=sample.qos,
    )
    converge(adapter, state)
    return state


def refused(adapter: SlurmAdapter, change: Change, naming: str) -> None:
    with pytest.raises(SlurmCommandFailed, match=re.escape(naming)):
        adapter.apply(change)


def test_adding_an_account_a_qos_or_a_user_that_exists_is_refused(
    slurm: tuple[SlurmAdapter, StartJob],
) -> None:
    adapter, _ = slurm
    state = base(adapter)
    account, qos = state.accounts["p2026a-001"], state.qos["aisc-subsidy"]
    user = UserAssoc("alice", "p2026a-001")
    refused(adapter, Change("add", "account", account.name, after=account), "Nothing new added")
    refused(adapter, Change("add", "qos", qos.name, after=qos), "Nothing new added")
    refused(adapter, Change("add", "user", user.name, after=user), "Nothing new added")
    assert diff(adapter.read_state(), state, now=NOW) == []


def test_removing_what_does_not_exist_is_refused_naming_it(
    slurm: tuple[SlurmAdapter, StartJob],
) -> None:
    adapter, _ = slurm
    state = base(adapter)
    account = Account("p-gone", "c2026a", "p-gone", "aisc")
    qos = Qos("aisc-gone", 10)
    reservation = Reservation("aisc-gone", ("p2026a-001",), ("h800-02",), START, END)
    user = UserAssoc("bob", "p2026a-001")  # only alice is a member
    refused(adapter, Change("remove", "account", account.name, before=account), "p-gone")
    refused(adapter, Change("remove", "qos", qos.name, before=qos), "aisc-gone")
    refused(adapter, Change("remove", "reservation", "aisc-gone", before=reservation), "aisc-gone")
    refused(adapter, Change("remove", "user", user.name, before=user), "bob")
    assert diff(adapter.read_state(), state, now=NOW) == []


def test_changing_what_does_not_exist_is_refused_naming_it(
    slurm: tuple[SlurmAdapter, StartJob],
) -> None:
    adapter, _ = slurm
    state = base(adapter)
    account = Account("p-gone", "c2026a", "p-gone", "aisc")
    stopped = dataclasses.replace(account, grp_jobs=0)
    qos = Qos("aisc-gone", 10)
    reservation = Reservation("aisc-gone", ("p2026a-001",), ("h800-02",), START, END)
    later = dataclasses.replace(reservation, end=END + dt.timedelta(days=1))
    refused(adapter, Change("modify", "account", "p-gone", before=account, after=stopped), "p-gone")
    refused(
        adapter,
        Change("modify", "qos", qos.name, before=qos, after=Qos(qos.name, 20)),
        "aisc-gone",
    )
    refused(
        adapter,
        Change("modify", "reservation", "aisc-gone", before=reservation, after=later),
        "aisc-gone",
    )
    assert diff(adapter.read_state(), state, now=NOW) == []


def test_a_member_of_an_account_that_does_not_exist_is_refused_naming_the_account(
    slurm: tuple[SlurmAdapter, StartJob],
) -> None:
    adapter, _ = slurm
    base(adapter)
    user = UserAssoc("alice", "p-nope")
    refused(adapter, Change("add", "user", user.name, after=user), "p-nope")
    assert user not in adapter.read_state().users


def test_an_account_with_a_qos_slurm_does_not_know_never_gets_it(
    slurm: tuple[SlurmAdapter, StartJob],
) -> None:
    adapter, _ = slurm
    base(adapter)
    account = Account(
        "p-badqos",
        "c2026a",
        "p-badqos",
        "aisc",
        qos=("aisc-nope", "normal"),
        default_qos="aisc-nope",
    )
    refused(adapter, Change("add", "account", account.name, after=account), "aisc-nope")
    read = adapter.read_state().accounts.get(account.name)
    assert read is None or "aisc-nope" not in read.qos  # Slurm adds the account, then refuses


def test_a_qos_limit_on_a_chip_slurm_does_not_account_for_is_never_applied(
    slurm: tuple[SlurmAdapter, StartJob],
) -> None:
    adapter, _ = slurm
    base(adapter)
    qos = Qos("aisc-h100", 10, (("gres/gpu:h100", 2),))
    refused(adapter, Change("add", "qos", qos.name, after=qos), "h100")
    read = adapter.read_state().qos.get(qos.name)
    assert read is None or read.max_tres_per_job == ()  # Slurm adds the QOS, then refuses


def test_a_reservation_for_an_account_that_does_not_exist_is_refused_naming_it(
    slurm: tuple[SlurmAdapter, StartJob],
) -> None:
    adapter, _ = slurm
    base(adapter)
    reservation = Reservation("aisc-nores", ("p-nope",), ("h800-02",), START, END)
    refused(adapter, Change("add", "reservation", reservation.name, after=reservation), "p-nope")
    assert adapter.read_state().reservations == {}


def test_sacct_refuses_a_field_it_does_not_have_naming_it(
    slurm: tuple[SlurmAdapter, StartJob],
) -> None:
    adapter, _ = slurm
    with pytest.raises(SlurmCommandFailed, match="NoSuchField"):
        adapter.sacct(["-a", "-X", "--parsable2", "--format=JobID,NoSuchField", "-S", "now"])


def test_an_unknown_account_has_no_active_jobs_and_cancelling_them_changes_nothing(
    slurm: tuple[SlurmAdapter, StartJob],
) -> None:
    adapter, _ = slurm
    state = base(adapter)
    assert adapter.active_jobs("p-nope") == 0
    adapter.cancel_jobs("p-nope")
    assert diff(adapter.read_state(), state, now=NOW) == []


def test_a_description_and_an_organisation_holding_a_bar_read_back_as_written(
    slurm: tuple[SlurmAdapter, StartJob],
) -> None:
    # `-P` output does not escape `|`; an account's free text must not shift the columns.
    adapter, _ = slurm
    state = base(adapter)
    before = state.accounts["p2026a-001"]
    after = dataclasses.replace(before, description="grant | p2026a-001", organization="hu | ai")
    adapter.apply(Change("modify", "account", before.name, before=before, after=after))
    read = adapter.read_state()
    assert read.accounts[before.name] == after
    assert read.accounts["c2026a"] == state.accounts["c2026a"]
