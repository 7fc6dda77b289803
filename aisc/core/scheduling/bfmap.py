"""Slurm's backfill map for one cycle (sched/backfill, `_attempt_backfill`, Slurm 22.05).

Slurm keeps two things apart, and so does this module:
- running jobs are the select plugin's business: a job "will run" at the earliest time its GPUs
  are free on the nodes it may use, each running job ending at its expected end (its time
  limit); `will_run` walks the running jobs of a node group by expected end to find that time;
- pending jobs that cannot start get a reservation in the node-space map: the WHOLE nodes chosen
  for them are taken out of the map from the start time to start + time limit, both rounded down
  to `bf_resolution` (a one-GPU job reserves its node whole, as Slurm's node bitmaps do).

A job is planned by `plan`: start at now; take the nodes free of reservations over
[start, start + limit]; ask will-run; if the answer lies past the next change of the map, try again
from that change ("TRY_LATER"); a start beyond `bf_window` gets no reservation. Times are
simulation seconds; `epoch` is the wall-clock second of time 0, so rounding to the resolution
falls where Slurm's does (on multiples of the resolution since 1970).
"""

from __future__ import annotations

import math
from bisect import insort
from collections.abc import Sequence
from dataclasses import dataclass

from aisc.core.scheduling.model import Job
from aisc.core.scheduling.placement import GroupState

# A running job as the walk sees it: (expected end, job id, job).
Running = tuple[float, int, Job]


@dataclass(frozen=True)
class Plan:
    """What one backfill test decided: start now (`start` == now) or reserve from `start`."""

    group: int
    start: float
    nodes: frozenset[int]


class BackfillMap:
    def __init__(self, now: float, *, resolution: float, window: float, epoch: float) -> None:
        self.now = now
        self.resolution = resolution
        self.epoch = epoch
        self.window_end = now + window
        # group -> reservations (begin, end, nodes), in the order they were made
        self.reserved: dict[int, list[tuple[float, float, frozenset[int]]]] = {}
        self.bounds: dict[int, list[float]] = {}  # group -> sorted begin and end times

    def floor(self, time: float) -> float:
        """`time` rounded down to the resolution, on the wall clock's grid."""
        step = self.resolution
        return math.floor((time + self.epoch) / step) * step - self.epoch

    def reserve(self, group: int, begin: float, end: float, nodes: frozenset[int]) -> None:
        self.reserved.setdefault(group, []).append((begin, end, nodes))
        bounds = self.bounds.setdefault(group, [])
        insort(bounds, begin)
        insort(bounds, end)

    def blocked(self, group: int, start: float, end: float) -> set[int]:
        """Nodes some reservation holds at any time of [start, end] (Slurm ANDs the slots that
        end after `start` and begin no later than `end`)."""
        taken: set[int] = set()
        for begin, finish, nodes in self.reserved.get(group, ()):
            if finish > start and begin <= end:
                taken |= nodes
        return taken

    def next_change(self, group: int, after: float) -> float | None:
        """The first time after `after` at which the map of `group` changes."""
        for bound in self.bounds.get(group, ()):
            if bound > after:
                return bound
        return None

    def plan(self, job: Job, group: GroupState, running: Sequence[Running]) -> Plan | None:
        """Start now, reserve, or None (never fits on this group inside the window)."""
        limit = job.estimate_on(job.speed_on(group.chip))
        start_res = self.now
        while start_res <= self.window_end:
            blocked = self.blocked(group.index, start_res, start_res + limit)
            later = self.next_change(group.index, start_res)
            fit = will_run(job.gpus, group, running, blocked)
            if fit is None:
                # Only reservations keep an eligible job off its nodes, and each one ends.
                assert later is not None, "with nothing reserved every running job ends"
                start_res = later
                continue
            start = max(fit[0], start_res)
            if start <= self.now:
                return Plan(group.index, self.now, fit[1])
            if later is not None and start > later:
                start_res = later
                continue
            if start > start_res:  # the nodes free over [start, start + limit] may differ
                start_res = start
                continue
            return Plan(group.index, start, fit[1])
        return None  # no start inside bf_window

    def hold(self, plan: Plan, job: Job, chip: str) -> None:
        """Enter a reservation for a planned (not started) job."""
        limit = job.estimate_on(job.speed_on(chip))
        self.reserve(plan.group, self.floor(plan.start), self.floor(plan.start + limit), plan.nodes)


def will_run(
    gpus: int, group: GroupState, running: Sequence[Running], blocked: set[int]
) -> tuple[float, frozenset[int]] | None:
    """The earliest time (now = -inf here: the caller clamps) a gang of `gpus` fits on the
    group's nodes outside `blocked`, as running jobs end in order, and the nodes it takes."""
    if gpus > group.gpn:
        return _whole_nodes(group.nodes_needed(gpus), group, running, blocked)
    free = group.free
    for k in range(gpus, group.gpn + 1):  # now: the best-fitting free node
        for node in sorted(group.buckets[k]):
            if node not in blocked:
                return -math.inf, frozenset((node,))
    delta: dict[int, int] = {}
    for end, _, job in running:
        for node, taken in job.placement[1]:
            if node in blocked:
                continue
            delta[node] = delta.get(node, 0) + taken
            if free[node] + delta[node] >= gpus:
                return end, frozenset((node,))
    return None


def _whole_nodes(
    need: int, group: GroupState, running: Sequence[Running], blocked: set[int]
) -> tuple[float, frozenset[int]] | None:
    gpn, free = group.gpn, group.free
    whole = sorted(n for n in group.buckets[gpn] if n not in blocked)
    if len(whole) >= need:
        return -math.inf, frozenset(whole[:need])
    delta: dict[int, int] = {}
    for end, _, job in running:
        for node, taken in job.placement[1]:
            if node in blocked:
                continue
            delta[node] = delta.get(node, 0) + taken
            if free[node] + delta[node] == gpn:
                whole.append(node)
        if len(whole) >= need:
            return end, frozenset(sorted(whole)[:need])
    return None
