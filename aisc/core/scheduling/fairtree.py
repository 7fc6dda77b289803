"""Slurm's Fair Tree fair-share factor (src/plugins/priority/multifactor/fair_tree.c, the default
of priority/multifactor since Slurm 19.05 unless PriorityFlags=NO_FAIR_TREE; documented in
doc/html/fair_tree.shtml).

Every association gets a level fair share LF = S / U among its siblings: S its shares over its
siblings' shares, U its usage over its parent's usage (LF is infinite without usage, 0 without
shares). Siblings are ranked by LF, highest first, users before accounts on ties, and the tree is
walked depth first in that order; user associations get ranks N, N-1, ... (N = user
associations in the tree) and the factor rank / N. Ties:
1. sibling users with the same LF get the same rank;
2. sibling accounts with the same LF are walked as one, their children merged and ranked
   together (each child keeps the LF it has within its own parent);
3. a user with the same LF as a sibling account gets the rank of that account's first user.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Association:
    """An account (with children) or a user association (without); usage is the subtree's."""

    name: str
    shares: float = 1.0
    usage: float = 0.0
    children: tuple[Association, ...] = ()

    @property
    def is_user(self) -> bool:
        return not self.children


def fair_tree(root: Association) -> dict[str, float]:
    """The fair-share factor of every user association under `root`, by name."""
    users = _count_users(root)
    factors: dict[str, float] = {}
    if users == 0:
        return factors
    level = _level_fs(root)
    walk = _Walk(users, level, factors)
    walk.rank_siblings(list(root.children), account_tied=False)
    return factors


def _count_users(node: Association) -> int:
    return sum(1 if child.is_user else _count_users(child) for child in node.children)


def _level_fs(parent: Association) -> dict[int, float]:
    """LF of every association below `parent`, keyed by id()."""
    out: dict[int, float] = {}
    total_shares = sum(child.shares for child in parent.children)
    for child in parent.children:
        share = child.shares / total_shares if total_shares > 0 else 0.0
        used = child.usage / parent.usage if parent.usage > 0 else 0.0
        if share == 0:
            out[id(child)] = 0.0
        else:
            out[id(child)] = math.inf if used == 0 else share / used
        if not child.is_user:
            out.update(_level_fs(child))
    return out


class _Walk:
    def __init__(self, users: int, level: dict[int, float], factors: dict[str, float]) -> None:
        self.users = users
        self.level = level
        self.factors = factors
        self.rank = users  # the rank given to the last user (shared on ties)
        self.next_rank = users  # the rank the next user would get without a tie

    def rank_siblings(self, siblings: list[Association], account_tied: bool) -> None:
        lf = self.level
        ordered = sorted(siblings, key=lambda a: (-lf[id(a)], not a.is_user))
        previous: float | None = None
        i = 0
        while i < len(ordered):
            assoc = ordered[i]
            tied = account_tied if i == 0 else previous == lf[id(assoc)]
            if assoc.is_user:
                if not tied:
                    self.rank = self.next_rank
                self.factors[assoc.name] = self.rank / self.users
                self.next_rank -= 1
                i += 1
            else:
                group = [assoc]
                while (
                    i + len(group) < len(ordered)
                    and not ordered[i + len(group)].is_user
                    and lf[id(ordered[i + len(group)])] == lf[id(assoc)]
                ):
                    group.append(ordered[i + len(group)])
                merged = [child for account in group for child in account.children]
                self.rank_siblings(merged, tied)
                i += len(group)
            previous = lf[id(assoc)]
