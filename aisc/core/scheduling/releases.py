"""When each node will have k GPUs free, as its running jobs end: the running side of Slurm's
will-run test, kept up to date as jobs start and stop.

For node n of a group, `at(k)` is -inf when n has k GPUs free now, and otherwise the expected end
of the running job on n whose end brings its free GPUs to k (jobs end in order of expected end).
Each k keeps its nodes sorted by that time, so "the first node outside these that has k GPUs
free, and when" reads a few entries instead of walking every running job; a start or a stop
rewrites the row of each node it touches.

`batched` gives the answer Slurm's will-run test (select/cons_tres, `_will_run_test`) gives
instead of the earliest time: it ends running jobs in batches, not one by one, and answers
the end of the last job of the first batch after which the job fits.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right, insort
from collections.abc import Container
from collections.abc import Set as AbstractSet

from aisc.core.scheduling.model import ClusterSpec, Job
from aisc.core.scheduling.placement import GroupState

Fit = tuple[float, frozenset[int]]
# cons_tres's first batch: the jobs ending up to the next multiple of 30 s after the first
# job's end, and 30 s more; the window doubles after each batch (bf_window_scale unset).
TIME_WINDOW = 30.0


class Releases:
    def __init__(self, spec: ClusterSpec) -> None:
        self.gpn = [g.gpus_per_node for g in spec.groups]
        self.size = [g.nodes for g in spec.groups]
        self.jobs: list[dict[int, list[tuple[float, int, int]]]] = [{} for _ in spec.groups]
        self.rows: list[dict[int, list[float]]] = [{} for _ in spec.groups]
        # GPUs the running jobs hold on each node (what `jobs` adds up to, kept as it changes)
        self.used: list[list[int]] = [[0] * g.nodes for g in spec.groups]
        # ready[group][k]: (time node n has k GPUs free, n), sorted; k = 1..GPUs per node
        self.ready: list[list[list[tuple[float, int]]]] = [
            [[(-math.inf, n) for n in range(g.nodes)] for _ in range(g.gpus_per_node + 1)]
            for g in spec.groups
        ]
        # every running job by (expected end, id), as slurmctld's job list sorted by end time
        # (a stable sort of a list in creation order), and the nodes each runs on
        self.order: list[tuple[float, int]] = []
        # the same jobs' ends alone: bisected by time, as floats compare faster than tuples
        self.ends: list[float] = []
        self.by_group: list[list[tuple[float, int]]] = [[] for _ in spec.groups]
        self.nodes_of: dict[int, frozenset[int]] = {}

    def add(self, job: Job) -> None:
        group, nodes = job.placement
        at = bisect_right(self.order, (job.expected_end, job.id))
        self.order.insert(at, (job.expected_end, job.id))
        self.ends.insert(at, job.expected_end)
        insort(self.by_group[group], (job.expected_end, job.id))
        self.nodes_of[job.id] = frozenset(node for node, _ in nodes)
        used = self.used[group]
        for node, gpus in nodes:
            insort(self.jobs[group].setdefault(node, []), (job.expected_end, job.id, gpus))
            used[node] += gpus
            self._update(group, node)

    def remove(self, job: Job) -> None:
        group, nodes = job.placement
        at = bisect_left(self.order, (job.expected_end, job.id))
        del self.order[at], self.ends[at]
        mine = self.by_group[group]
        del mine[bisect_left(mine, (job.expected_end, job.id))]
        del self.nodes_of[job.id]
        used = self.used[group]
        for node, gpus in nodes:
            ends = self.jobs[group][node]
            # (end, id) sorts just before (end, id, gpus): the entry's position, without a key
            del ends[bisect_left(ends, (job.expected_end, job.id))]
            used[node] -= gpus
            self._update(group, node)

    def _update(self, group: int, node: int) -> None:
        gpn, ends = self.gpn[group], self.jobs[group][node]
        free = gpn - self.used[group][node]
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

    def will_run(self, gpus: int, group: GroupState, blocked: AbstractSet[int]) -> Fit | None:
        """The earliest time (-inf: now) a gang of `gpus` fits on the group's nodes outside
        `blocked`, and the nodes it would take; None when it never does there."""
        if gpus > group.gpn:
            return self._whole_nodes(group.nodes_needed(gpus), group, blocked)
        buckets = group.buckets
        for k in range(gpus, group.gpn + 1):  # now: the best-fitting free node, lowest first
            if buckets[k]:  # most are empty while the queue waits: no set made for those
                usable = buckets[k] - blocked
                if usable:
                    return -math.inf, frozenset((min(usable),))
        for time, node in self.ready[group.index][gpus]:
            if node not in blocked:
                return time, frozenset((node,))
        return None

    def _whole_nodes(self, need: int, group: GroupState, blocked: AbstractSet[int]) -> Fit | None:
        whole = sorted(group.buckets[group.gpn] - blocked)
        if len(whole) >= need:
            return -math.inf, frozenset(whole[:need])
        for time, node in self.ready[group.index][group.gpn]:
            if time == -math.inf or node in blocked:
                continue
            whole.append(node)
            if len(whole) == need:
                return time, frozenset(whole)
        return None

    def _freeing(
        self, gpus: int, group: int, blocked: Container[int], earliest: float
    ) -> tuple[float, int]:
        """The running job (end, id) after whose end, all jobs before it in (end, id) order
        gone too, a job that fits first at `earliest` fits: among jobs ending together, the
        one that frees the node (or the last of the gang's nodes) first."""
        gpn = self.gpn[group]
        ready, k = self.ready[group][min(gpus, gpn)], min(gpus, gpn)
        first = at = bisect_left(ready, (earliest, -1))
        ties = []
        while at < len(ready) and ready[at][0] == earliest:
            if ready[at][1] not in blocked:
                ties.append(self._entry(group, ready[at][1], k))
            at += 1
        ties.sort()
        if gpus <= gpn:
            return ties[0]
        before = sum(1 for _, node in ready[:first] if node not in blocked)
        return ties[-(-gpus // gpn) - before - 1]

    def _entry(self, group: int, node: int, k: int) -> tuple[float, int]:
        """The running job on `node` whose end leaves it `k` GPUs free."""
        have = self.gpn[group] - self.used[group][node]
        ends, at = self.jobs[group][node], 0
        while have < k:  # the node is short of k now, and has k free at some job's end
            have += ends[at][2]
            at += 1
        return ends[at - 1][0], ends[at - 1][1]

    def batched(
        self, gpus: int, earliest: float, group: int, blocked: AbstractSet[int], epoch: float
    ) -> float:
        """Slurm's will-run answer for a job of `gpus` that fits on the group's nodes outside
        `blocked` first at `earliest` (a running job's end): the end of the last job of the
        batch that frees it. slurmctld walks every running job by end; those on none of the
        usable nodes are skipped, the others ended in batches: a batch starts at the next
        usable job, and after ending a usable job it goes on only while the job after it in the
        walk (of any node) ends within `top` + window, `top` being the first usable job's end
        raised to the next multiple of 30 s on the wall clock. So a usable job far past the
        window can join a batch when only other nodes' jobs lie between. After each batch the
        window doubles until the next job ends within it; the job is tested after each batch.
        (The 200-job cap of a batch is not modelled.)"""
        order, ends, mine, nodes_of = self.order, self.ends, self.by_group[group], self.nodes_of
        freeing = self._freeing(gpus, group, blocked, earliest)
        size = len(mine)

        def usable(k: int) -> bool:  # the group's k-th job runs on a usable node
            # unless all its nodes are blocked (a set comparison)
            return not nodes_of[mine[k][1]] <= blocked

        def usable_from(k: int) -> int:  # the group's first job from k on a usable node
            # `usable`'s test written out: a call per job skipped costs more than the test
            while k < size and nodes_of[mine[k][1]] <= blocked:
                k += 1
            return k

        # Where the group runs every running job, its list is the walk itself: a position in
        # one is the same in the other, without bisecting.
        whole = size == len(order)
        # the batch's first job (`earliest` is some usable job's end, so there is one)
        at, window = usable_from(0), TIME_WINDOW
        top = mine[at][0] + window - (mine[at][0] + epoch) % window
        while True:
            # the batch goes on past each usable job whose successor in the whole walk ends by
            # top + window, so it ends at the first usable job from the one before the first
            # job that ends later (the group's jobs from that one on, by bisection)
            after = max(bisect_right(ends, top + window) - 1, 0)
            cut = usable_from(max(after, at) if whole else bisect_left(mine, order[after], lo=at))
            if cut == size:  # the walk reaches the list's end: its last usable job
                cut = next(k for k in range(size - 1, at - 1, -1) if usable(k))
            if mine[cut] >= freeing:
                return mine[cut][0]
            # the job after it in the whole walk
            following = cut + 1 if whole else bisect_right(order, mine[cut])
            window *= 2
            while following < len(ends) and ends[following] > top + window:
                window *= 2
            at = usable_from(cut + 1)
