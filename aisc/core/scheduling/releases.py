"""When each node will have k GPUs free, as its running jobs end: the running side of Slurm's
will-run test, kept up to date as jobs start and stop.

For node n of a group, `at(k)` is -inf when n has k GPUs free now, and otherwise the expected end
of the running job on n whose end brings its free GPUs to k (jobs end in order of expected end).
Each k keeps its nodes sorted by that time, so "the first node outside these that has k GPUs
free, and when" reads a few entries instead of walking every running job; a start or a stop
rewrites the row of each node it touches.
"""

from __future__ import annotations

import math
from bisect import bisect_left, insort
from collections.abc import Container

from aisc.core.scheduling.model import ClusterSpec, Job
from aisc.core.scheduling.placement import GroupState

Fit = tuple[float, frozenset[int]]


class Releases:
    def __init__(self, spec: ClusterSpec) -> None:
        self.gpn = [g.gpus_per_node for g in spec.groups]
        self.size = [g.nodes for g in spec.groups]
        self.jobs: list[dict[int, list[tuple[float, int, int]]]] = [{} for _ in spec.groups]
        self.rows: list[dict[int, list[float]]] = [{} for _ in spec.groups]
        # ready[group][k]: (time node n has k GPUs free, n), sorted; k = 1..GPUs per node
        self.ready: list[list[list[tuple[float, int]]]] = [
            [[(-math.inf, n) for n in range(g.nodes)] for _ in range(g.gpus_per_node + 1)]
            for g in spec.groups
        ]

    def add(self, job: Job) -> None:
        group, nodes = job.placement
        for node, gpus in nodes:
            insort(self.jobs[group].setdefault(node, []), (job.expected_end, job.id, gpus))
            self._update(group, node)

    def remove(self, job: Job) -> None:
        group, nodes = job.placement
        for node, _ in nodes:
            ends = self.jobs[group][node]
            del ends[bisect_left(ends, (job.expected_end, job.id), key=lambda e: e[:2])]
            self._update(group, node)

    def _update(self, group: int, node: int) -> None:
        gpn, ends = self.gpn[group], self.jobs[group][node]
        free = gpn - sum(gpus for *_, gpus in ends)
        row, have, i = [-math.inf] * (gpn + 1), free, 0
        for k in range(free + 1, gpn + 1):
            while have < k:
                have += ends[i][2]
                i += 1
            row[k] = ends[i - 1][0]
        old = self.rows[group].get(node)
        self.rows[group][node] = row
        ready = self.ready[group]
        for k in range(1, gpn + 1):
            before = -math.inf if old is None else old[k]
            if before != row[k]:
                del ready[k][bisect_left(ready[k], (before, node))]
                insort(ready[k], (row[k], node))

    def will_run(self, gpus: int, group: GroupState, blocked: Container[int]) -> Fit | None:
        """The earliest time (-inf: now) a gang of `gpus` fits on the group's nodes outside
        `blocked`, and the nodes it would take; None when it never does there."""
        if gpus > group.gpn:
            return self._whole_nodes(group.nodes_needed(gpus), group, blocked)
        for k in range(gpus, group.gpn + 1):  # now: the best-fitting free node
            for node in sorted(group.buckets[k]):
                if node not in blocked:
                    return -math.inf, frozenset((node,))
        for time, node in self.ready[group.index][gpus]:
            if node not in blocked:
                return time, frozenset((node,))
        return None

    def _whole_nodes(self, need: int, group: GroupState, blocked: Container[int]) -> Fit | None:
        whole = sorted(n for n in group.buckets[group.gpn] if n not in blocked)
        if len(whole) >= need:
            return -math.inf, frozenset(whole[:need])
        for time, node in self.ready[group.index][group.gpn]:
            if time == -math.inf or node in blocked:
                continue
            whole.append(node)
            if len(whole) == need:
                return time, frozenset(whole)
        return None
