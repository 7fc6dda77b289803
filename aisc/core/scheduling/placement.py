"""Gang placement on typed nodes: a job starts whole or not at all.

A job that fits on one node goes best-fit to the node with the fewest free GPUs that still hold
it, which keeps whole nodes free for multi-node jobs (less fragmentation); among nodes that fit
equally well any one is taken, or with `lowest_first` the lowest-numbered (as Slurm's select
plugin, which scans its node bitmap in index order). A wider job takes
ceil(gpus / GPUs-per-node) whole, free nodes of one group, exclusively (as Slurm's whole-node
allocation); every GPU of those nodes counts as allocated.

Each group keeps, for every k in 0..GPUs-per-node, the set of its nodes with exactly k free GPUs,
so "does it fit" is at most GPUs-per-node set look-ups, and placing is O(1) per node taken.
"""

from __future__ import annotations

from collections.abc import Iterable

from aisc.core.scheduling.model import ClusterSpec, Job, NodeGroup

# (group index, ((node index within the group, GPUs taken), ...))
Placement = tuple[int, tuple[tuple[int, int], ...]]


class GroupState:
    """Free GPUs per node of one node group, bucketed by how many are free."""

    __slots__ = ("buckets", "chip", "free", "free_gpus", "gpn", "index", "lowest", "spec")

    def __init__(self, index: int, spec: NodeGroup, lowest_first: bool = False) -> None:
        self.index = index
        self.lowest = lowest_first
        self.spec = spec
        self.chip = spec.chip
        self.gpn = spec.gpus_per_node
        self.free = [self.gpn] * spec.nodes
        self.buckets: list[set[int]] = [set() for _ in range(self.gpn + 1)]
        self.buckets[self.gpn] = set(range(spec.nodes))
        self.free_gpus = spec.gpus

    def nodes_needed(self, gpus: int) -> int:
        return self.spec.nodes_needed(gpus)

    def can_ever_hold(self, gpus: int) -> bool:
        return self.spec.can_ever_hold(gpus)

    def fits(self, gpus: int) -> bool:
        if gpus > self.free_gpus:
            return False
        if gpus > self.gpn:
            return len(self.buckets[self.gpn]) >= self.nodes_needed(gpus)
        buckets = self.buckets
        for k in range(gpus, self.gpn + 1):  # noqa: SIM110 - any(genexpr) is slower on this hot path
            if buckets[k]:
                return True
        return False

    def take(
        self, gpus: int, exclude: set[int] | None = None
    ) -> tuple[tuple[int, int], ...] | None:
        """Take GPUs for one job, avoiding the nodes in `exclude`; None when they do not fit."""
        if gpus > self.gpn:
            return self._take_whole_nodes(self.nodes_needed(gpus), exclude)
        for k in range(gpus, self.gpn + 1):
            bucket = self.buckets[k]
            node = _lowest_not_in(bucket, exclude) if self.lowest else _any_not_in(bucket, exclude)
            if node is not None:
                bucket.discard(node)
                self.buckets[k - gpus].add(node)
                self.free[node] = k - gpus
                self.free_gpus -= gpus
                return ((node, gpus),)
        return None

    def _take_whole_nodes(
        self, count: int, exclude: set[int] | None
    ) -> tuple[tuple[int, int], ...] | None:
        empty = self.buckets[self.gpn]
        chosen = sorted(empty if exclude is None else empty - exclude)[:count]
        if len(chosen) < count:
            return None
        for node in chosen:
            empty.discard(node)
            self.buckets[0].add(node)
            self.free[node] = 0
        self.free_gpus -= count * self.gpn
        return tuple((node, self.gpn) for node in chosen)

    def give_back(self, nodes: Iterable[tuple[int, int]]) -> None:
        for node, gpus in nodes:
            k = self.free[node]
            self.buckets[k].discard(node)
            self.buckets[k + gpus].add(node)
            self.free[node] = k + gpus
            self.free_gpus += gpus

    def stranded_gpus(self) -> int:
        """Free GPUs on partly used nodes: they cannot serve a whole-node job."""
        return self.free_gpus - self.gpn * len(self.buckets[self.gpn])


def _any_not_in(bucket: set[int], exclude: set[int] | None) -> int | None:
    if not bucket:
        return None
    if exclude is None:
        return next(iter(bucket))  # deterministic: a set of small ints iterates in one order
    for node in bucket:
        if node not in exclude:
            return node
    return None


def _lowest_not_in(bucket: set[int], exclude: set[int] | None) -> int | None:
    if exclude is None:
        return min(bucket, default=None)
    return min((node for node in bucket if node not in exclude), default=None)


class ClusterState:
    """The live state of a cluster: which GPUs are free, where a job may go."""

    def __init__(self, spec: ClusterSpec, lowest_first: bool = False) -> None:
        self.spec = spec
        self.groups = [GroupState(i, g, lowest_first) for i, g in enumerate(spec.groups)]
        self.total_gpus = spec.gpus
        self._eligible: dict[tuple[object, ...], tuple[GroupState, ...]] = {}

    @property
    def free_gpus(self) -> int:
        if len(self.groups) == 1:
            return self.groups[0].free_gpus
        return sum(g.free_gpus for g in self.groups)

    @property
    def allocated_gpus(self) -> int:
        return self.total_gpus - self.free_gpus

    def stranded_gpus(self) -> int:
        if len(self.groups) == 1:
            return self.groups[0].stranded_gpus()
        return sum(g.stranded_gpus() for g in self.groups)

    def eligible(self, job: Job) -> tuple[GroupState, ...]:
        """Groups the job may run on: its chip, its reservation first, wide enough for the gang."""
        if job.groups is not None:
            return job.groups  # type: ignore[no-any-return]
        speeds = None if job.speeds is None else tuple(sorted(job.speeds.items()))
        key = (job.project, job.chip, speeds, job.gpus)
        cached = self._eligible.get(key)
        if cached is None:
            allowed = [
                g
                for g in self.groups
                if job.speed_on(g.chip) > 0
                and g.spec.reserved_for in (None, job.project)
                and g.can_ever_hold(job.gpus)
            ]
            allowed.sort(key=lambda g: g.spec.reserved_for is None)  # own reservation first
            cached = self._eligible[key] = tuple(allowed)
        job.groups = cached
        return cached

    def why_unschedulable(self, job: Job) -> str | None:
        """None when some group could ever run the job; otherwise the reason, for the report."""
        if self.eligible(job):
            return None
        if job.gpus > self.total_gpus:
            return f"needs {job.gpus} GPUs; the whole cluster has {self.total_gpus}"
        if job.chip is not None and job.chip not in self.spec.chips:
            return f"needs chip {job.chip!r}; the cluster has {', '.join(self.spec.chips)}"
        return f"no node group allowed to it can hold a gang of {job.gpus} GPUs"

    def fits(self, job: Job) -> bool:
        return any(g.fits(job.gpus) for g in self.eligible(job))

    def place(
        self,
        job: Job,
        groups: Iterable[GroupState] | None = None,
        exclude: dict[int, set[int]] | None = None,
    ) -> Placement | None:
        """Take GPUs for the job on the first group that holds it; None if none does now."""
        if groups is None:  # the groups cached on the job spare a call on this hot path
            groups = job.groups if job.groups is not None else self.eligible(job)
        for group in groups:
            if not group.fits(job.gpus):
                continue
            taken = group.take(job.gpus, None if exclude is None else exclude.get(group.index))
            if taken is not None:
                return (group.index, taken)
        return None

    def release(self, placement: Placement) -> None:
        self.groups[placement[0]].give_back(placement[1])

    def allocated_by(self, placement: Placement) -> int:
        return sum(gpus for _, gpus in placement[1])
