"""Plan and apply: diff the desired against the actual state and carry the changes out.

Idempotent (a second apply finds nothing to do), adds and removes, and never removes an account
that still has jobs unless forced; its users and parents then stay too. A change Slurm refuses
is reported and the rest goes on, so `plan` afterwards shows exactly what remains.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from aisc.adapters.slurm.errors import SlurmCommandFailed
from aisc.adapters.slurm.protocol import SlurmAdapter
from aisc.core.allocations.diff import diff
from aisc.core.allocations.slurmstate import Account, Change, SlurmState, UserAssoc


@dataclass
class Outcome:
    applied: list[Change] = field(default_factory=list)
    blocked: list[tuple[Change, str]] = field(default_factory=list)
    failed: list[tuple[Change, str]] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.blocked and not self.failed


def plan(adapter: SlurmAdapter, desired: SlurmState, *, now: dt.datetime) -> list[Change]:
    return diff(adapter.read_state(), desired, now=now)


def apply(adapter: SlurmAdapter, changes: list[Change], *, force: bool = False) -> Outcome:
    outcome = Outcome()
    held = _held_accounts(adapter, changes, force)
    for change in changes:
        reason = _blocked_by(change, held)
        if reason:
            outcome.blocked.append((change, reason))
            continue
        try:
            removing = change.kind == "account" and change.action == "remove"
            if removing and force and adapter.active_jobs(change.name):
                adapter.cancel_jobs(change.name)
            adapter.apply(change)
        except SlurmCommandFailed as exc:
            outcome.failed.append((change, exc.message))
        else:
            outcome.applied.append(change)
    return outcome


def _held_accounts(adapter: SlurmAdapter, changes: list[Change], force: bool) -> dict[str, int]:
    """Accounts to be removed that still have jobs (none when forced), with their job count,
    and, with a count of 0, the parents being removed above them."""
    if force:
        return {}
    parents = {
        c.before.name: c.before.parent
        for c in changes
        if c.action == "remove" and isinstance(c.before, Account)
    }
    held = {name: n for name in parents if (n := adapter.active_jobs(name))}
    for name in list(held):
        parent = parents.get(name)
        while parent is not None and parent not in held:
            held[parent] = 0
            parent = parents.get(parent)
    return held


def _blocked_by(change: Change, held: dict[str, int]) -> str:
    if change.action != "remove" or not held:
        return ""
    item = change.before
    if isinstance(item, UserAssoc) and item.account in held:
        return f"account {item.account} still has jobs"
    if isinstance(item, Account) and held.get(item.name):
        return (
            f"account {item.name} still has {held[item.name]} pending or running jobs; "
            "rerun with --force to cancel them and remove it"
        )
    if isinstance(item, Account) and item.name in held:
        return f"an account below {item.name} still has jobs"
    return ""
