"""The difference between the actual and the desired Slurm state, as an ordered list of changes.

Order matters to Slurm: a QOS must exist before an account names it, a parent account before
its children, an account before its users, and removals go the other way round.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from aisc.core.allocations.slurmstate import (
    Account,
    Change,
    Kind,
    Qos,
    Reservation,
    SlurmState,
    UserAssoc,
)

T = TypeVar("T", Account, Qos, Reservation)


def diff(actual: SlurmState, desired: SlurmState, *, now: dt.datetime) -> list[Change]:
    """Changes that turn `actual` into `desired`. Empty when they agree (the reconcile is done)."""
    qos_add, qos_mod, qos_del = _compare("qos", actual.qos, desired.qos)
    acc_add, acc_mod, acc_del = _compare("account", actual.accounts, desired.accounts)
    res_add, res_mod, res_del = _compare(
        "reservation",
        actual.reservations,
        desired.reservations,
        same=lambda a, b: _started(a, now) == _started(b, now),
    )
    user_add = [
        Change("add", "user", u.name, after=u) for u in _sorted(desired.users - actual.users)
    ]
    user_del = [
        Change("remove", "user", u.name, before=u) for u in _sorted(actual.users - desired.users)
    ]
    return [
        *qos_add,
        *qos_mod,
        *_parents_first(acc_add, desired.accounts),
        *acc_mod,
        *user_add,
        *res_add,
        *res_mod,
        *res_del,
        *user_del,
        *reversed(_parents_first(acc_del, actual.accounts)),
        *qos_del,
    ]


def _equal(a: T, b: T) -> bool:
    return a == b


def _compare(
    kind: Kind,
    actual: Mapping[str, T],
    desired: Mapping[str, T],
    same: Callable[[T, T], bool] = _equal,
) -> tuple[list[Change], list[Change], list[Change]]:
    adds = [Change("add", kind, n, after=desired[n]) for n in sorted(desired.keys() - actual)]
    mods = [
        Change("modify", kind, n, before=actual[n], after=desired[n])
        for n in sorted(desired.keys() & actual.keys())
        if not same(actual[n], desired[n])
    ]
    dels = [Change("remove", kind, n, before=actual[n]) for n in sorted(actual.keys() - desired)]
    return adds, mods, dels


def _started(reservation: Reservation, now: dt.datetime) -> Reservation:
    """Slurm moves a start in the past to the moment of creation, so any two starts that are
    both already past describe the same reservation."""
    if reservation.start <= now:
        return dataclasses.replace(reservation, start=dt.datetime.min.replace(tzinfo=dt.UTC))
    return reservation


def _parents_first(changes: list[Change], accounts: Mapping[str, Account]) -> list[Change]:
    def depth(name: str) -> int:
        level = 0
        while name in accounts and level <= len(accounts):
            name = accounts[name].parent
            level += 1
        return level

    return sorted(changes, key=lambda c: (depth(c.name), c.name))


def _sorted(users: Iterable[UserAssoc]) -> list[UserAssoc]:
    return sorted(users, key=lambda u: (u.account, u.user))
