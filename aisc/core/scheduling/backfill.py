"""EASY backfill (Lifka 1995; Slurm's sched/backfill): one reservation, for the first blocked job.

The reservation's shadow time is the earliest moment the blocked job fits if every running job
ends when the scheduler expects (its time limit, or its true run time when it has none). A later
job may start now if it either ends by the shadow time, or stays off the nodes reserved for the
blocked job, so it never delays that job's expected start.

Running jobs are kept per node group, sorted by expected end, so the shadow is found by walking
the fewest releases needed rather than by sorting the running set at every scheduling point.
"""

from __future__ import annotations

import math
from bisect import bisect_left, insort
from dataclasses import dataclass

from aisc.core.scheduling.model import Job
from aisc.core.scheduling.placement import ClusterState, GroupState
from aisc.core.scheduling.policy import Context

Entry = tuple[float, int, Job]


@dataclass(frozen=True)
class Reservation:
    job: Job
    shadow: float
    group: int
    nodes: frozenset[int]

    @property
    def exclude(self) -> dict[int, set[int]]:
        return {self.group: set(self.nodes)}


class ReservationPlanner:
    def __init__(self) -> None:
        self.by_end: dict[int, list[Entry]] = {}

    def add(self, job: Job) -> None:
        insort(self.by_end.setdefault(job.placement[0], []), (job.expected_end, job.id, job))

    def remove(self, job: Job) -> None:
        ends = self.by_end[job.placement[0]]
        del ends[bisect_left(ends, (job.expected_end, job.id), key=lambda e: (e[0], e[1]))]

    def reserve(self, job: Job, cluster: ClusterState) -> Reservation | None:
        """The earliest reservation over the groups the job may use; None if none ever frees."""
        best: Reservation | None = None
        for group in cluster.eligible(job):
            found = self._shadow(job, group)
            if found is not None and (best is None or found.shadow < best.shadow):
                best = found
        return best

    def _shadow(self, job: Job, group: GroupState) -> Reservation | None:
        if job.gpus > group.gpn:
            return self._shadow_whole_nodes(job, group)
        free, delta, fitting = group.free, dict[int, int](), set[int]()
        for end, _, running in self.by_end.get(group.index, ()):
            for node, gpus in running.placement[1]:
                delta[node] = delta.get(node, 0) + gpus
                if free[node] + delta[node] >= job.gpus:
                    fitting.add(node)
            if fitting:
                node = min(fitting, key=lambda n: (free[n] + delta[n], n))  # best fit
                return Reservation(job, end, group.index, frozenset((node,)))
        return None

    def _shadow_whole_nodes(self, job: Job, group: GroupState) -> Reservation | None:
        need, gpn = group.nodes_needed(job.gpus), group.gpn
        free_now = sorted(group.buckets[gpn])
        freed: list[int] = []  # nodes that become whole, in the order they do
        delta: dict[int, int] = {}
        for end, _, running in self.by_end.get(group.index, ()):
            for node, gpus in running.placement[1]:
                delta[node] = delta.get(node, 0) + gpus
                if group.free[node] + delta[node] == gpn:
                    freed.append(node)
            if len(free_now) + len(freed) >= need:
                # Reserve the nodes freed latest first: nodes free now stay open to backfill.
                chosen = (freed[::-1] + free_now)[:need]
                return Reservation(job, end, group.index, frozenset(chosen))
        return None


def try_backfill(
    job: Job, ctx: Context, reservation: Reservation, failed: dict[tuple[int, int], float]
) -> bool:
    """Start `job` now if that cannot delay the reserved job; False otherwise.

    `failed` remembers, within one scheduling point, the shortest estimate that failed for a
    gang size on a set of groups: free GPUs only shrink during a point, so a job of the same
    shape that would run at least as long fails too, and is skipped without a placement search.
    """
    groups = ctx.cluster.eligible(job)
    slowest = (
        min(job.speed_on(g.chip) for g in groups)
        if len(groups) > 1
        else job.speed_on(groups[0].chip)
    )
    estimate = job.estimate_on(slowest)
    shape = (id(groups), job.gpus)
    if estimate >= failed.get(shape, math.inf):
        return False
    if ctx.now + estimate <= reservation.shadow:
        started = ctx.start(job)
    else:
        placement = ctx.cluster.place(job, exclude=reservation.exclude)
        started = placement is not None and ctx.start(job, placement)
    if not started:
        failed[shape] = estimate
    return started
