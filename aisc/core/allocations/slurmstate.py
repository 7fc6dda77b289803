"""The Slurm objects aisc manages, as plain values, and one change to them.

Both sides of a reconcile are a `SlurmState`: the desired one derived from allocations, and the
actual one an adapter reads back from Slurm. Only the subtree under `ROOT_ACCOUNT`, QOS and
reservations whose names start with `PREFIX` are aisc's; nothing else is ever read or removed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

ROOT_ACCOUNT = "aisc"
PREFIX = "aisc-"

# ("gres/gpu:h800", 60000): a TRES and its amount (minutes for budgets, a count for per-job caps).
Tres = tuple[tuple[str, int], ...]


def gpu_tres(chip: str) -> str:
    """The typed GRES a chip's GPUs are counted under: the GRES type is the chip code."""
    return f"gres/gpu:{chip}"


def tres(pairs: dict[str, int]) -> Tres:
    """A canonical (sorted) Tres, so that two equal budgets compare equal."""
    return tuple(sorted(pairs.items()))


def format_tres(value: Tres) -> str:
    return ",".join(f"{name}={amount}" for name, amount in value)


@dataclass(frozen=True)
class Account:
    name: str
    parent: str
    description: str = ""
    organization: str = ""
    grp_tres_mins: Tres = ()
    qos: tuple[str, ...] = ()  # sorted; empty means inherited from the parent
    default_qos: str = ""
    # Suspension sets both to 0: no new jobs are submitted or started; running jobs finish.
    # None means no limit.
    grp_jobs: int | None = None
    grp_submit_jobs: int | None = None

    @property
    def suspended(self) -> bool:
        return self.grp_jobs == 0 and self.grp_submit_jobs == 0


@dataclass(frozen=True)
class Qos:
    name: str
    priority: int = 0
    max_tres_per_job: Tres = ()


@dataclass(frozen=True)
class UserAssoc:
    user: str
    account: str

    @property
    def name(self) -> str:
        return f"{self.user}@{self.account}"


@dataclass(frozen=True)
class Reservation:
    """Whole nodes kept for the listed accounts between start and end (UTC, whole minutes)."""

    name: str
    accounts: tuple[str, ...]
    nodes: tuple[str, ...]
    start: dt.datetime
    end: dt.datetime


@dataclass
class SlurmState:
    accounts: dict[str, Account] = field(default_factory=dict)
    users: set[UserAssoc] = field(default_factory=set)
    qos: dict[str, Qos] = field(default_factory=dict)
    reservations: dict[str, Reservation] = field(default_factory=dict)


Kind = Literal["qos", "account", "user", "reservation"]
Action = Literal["add", "modify", "remove"]
Item = Account | Qos | UserAssoc | Reservation


@dataclass(frozen=True)
class Change:
    """One step from the actual towards the desired state. `before` is None for an add,
    `after` is None for a removal."""

    action: Action
    kind: Kind
    name: str
    before: Item | None = None
    after: Item | None = None

    def describe(self) -> str:
        sign = {"add": "+", "modify": "~", "remove": "-"}[self.action]
        detail = _detail(self.after if self.after is not None else self.before)
        if self.action == "modify":
            detail = _changed_fields(self.before, self.after)
        return f"{sign} {self.kind} {self.name}" + (f"  {detail}" if detail else "")


def _fields(item: Item | None) -> dict[str, str]:
    if item is None:
        return {}
    values = {}
    for key, value in vars(item).items():
        if key == "name":
            continue
        if isinstance(value, tuple) and value and isinstance(value[0], tuple):
            text = format_tres(value)
        elif isinstance(value, tuple):
            text = ",".join(value)
        elif value is None:
            text = ""
        elif isinstance(value, dt.datetime):
            text = value.strftime("%Y-%m-%d %H:%M")
        else:
            text = str(value)
        values[key] = text
    return values


def _detail(item: Item | None) -> str:
    return " ".join(f"{k}={v}" for k, v in _fields(item).items() if v not in ("", "False"))


def _changed_fields(before: Item | None, after: Item | None) -> str:
    old, new = _fields(before), _fields(after)
    return " ".join(
        f"{k}: {old.get(k) or '-'} -> {new[k] or '-'}" for k in new if old.get(k, "") != new[k]
    )
