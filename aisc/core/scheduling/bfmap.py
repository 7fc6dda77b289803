"""Slurm's backfill map for one cycle (sched/backfill, `_attempt_backfill`, Slurm 22.05).

Slurm keeps two things apart, and so does this module:
- running jobs are the select plugin's business: a job "will run" at the earliest time its GPUs
  are free on the nodes it may use, each running job ending at its expected end (its time
  limit); `aisc.core.scheduling.releases` answers that;
- pending jobs that cannot start get a reservation in the node-space map: the WHOLE nodes chosen
  for them are taken out of the map from the start time to start + time limit, both rounded down
  to `bf_resolution` (a one-GPU job reserves its node whole, as Slurm's node bitmaps do).

A job is planned by `plan`: start at now; take the nodes free of reservations over
[start, start + limit]; ask will-run; if the answer lies past the next end of a reservation, try
again from there (Slurm's "TRY_LATER" retries at every change of the map; see `next_release`);
a start beyond `bf_window` gets no reservation. The map is a list of records, one per span of time
between two reservation boundaries (Slurm's node_space table); once it holds
`bf_node_space_size` records, the cycle makes no more reservations and stops, which bounds the
cycle's work as Slurm's ("table size limit reached"). Slurm also merges a record into its
neighbour when both leave the same nodes free; the count here does not, so a cycle may stop a
little earlier than Slurm's. Times are simulation seconds; `epoch` is the
wall-clock second of time 0, so rounding to the resolution falls where Slurm's does (on
multiples of the resolution since 1970).
"""

from __future__ import annotations

import math
from bisect import bisect_right, insort
from dataclasses import dataclass

from aisc.core.scheduling.model import Job
from aisc.core.scheduling.placement import GroupState
from aisc.core.scheduling.releases import Releases


@dataclass(frozen=True)
class Plan:
    """What one backfill test decided: start now (`start` == now) or reserve from `start`."""

    group: int
    start: float
    nodes: frozenset[int]


class BackfillMap:
    def __init__(
        self,
        now: float,
        *,
        resolution: float,
        window: float,
        epoch: float,
        max_records: float = math.inf,
    ) -> None:
        self.now = now
        self.max_records = max_records
        self.bounds: set[float] = set()  # the times at which one record ends and the next begins
        self.resolution = resolution
        self.epoch = epoch
        self.window_end = now + window
        # group -> reservations (begin, end, nodes), in the order they were made
        self.reserved: dict[int, list[tuple[float, float, frozenset[int]]]] = {}
        self.ends: dict[int, list[float]] = {}  # group -> the reservations' ends, sorted
        # group -> node -> the reservations holding it (begin, end)
        self.on_node: dict[int, dict[int, list[tuple[float, float]]]] = {}

    def floor(self, time: float) -> float:
        """`time` rounded down to the resolution, on the wall clock's grid."""
        step = self.resolution
        return math.floor((time + self.epoch) / step) * step - self.epoch

    @property
    def full(self) -> bool:
        """The map holds as many records as it may: one, plus one per boundary inside it."""
        return 1 + len(self.bounds) >= self.max_records

    def reserve(self, group: int, begin: float, end: float, nodes: frozenset[int]) -> None:
        self.bounds.update(t for t in (begin, end) if self.now < t < self.window_end)
        self.reserved.setdefault(group, []).append((begin, end, nodes))
        insort(self.ends.setdefault(group, []), end)
        on_node = self.on_node.setdefault(group, {})
        for node in nodes:
            on_node.setdefault(node, []).append((begin, end))

    def blocked(self, group: int, start: float, end: float) -> set[int]:
        """Nodes some reservation holds at any time of [start, end] (Slurm ANDs the slots that
        end after `start` and begin no later than `end`)."""
        taken: set[int] = set()
        for begin, finish, nodes in self.reserved.get(group, ()):
            if finish > start and begin <= end:
                taken |= nodes
        return taken

    def next_release(self, group: int, after: float) -> float | None:
        """The first time after `after` at which a reservation of `group` ends.

        Slurm retries at every change of its map; a reservation that begins only takes nodes
        away, so a start the retry at a beginning could find is found at the next end too."""
        ends = self.ends.get(group, ())
        at = bisect_right(ends, after)
        return ends[at] if at < len(ends) else None

    def plan(self, job: Job, group: GroupState, releases: Releases) -> Plan | None:
        """Start now, reserve, or None (never fits on this group inside the window)."""
        limit = job.estimate_on(job.speed_on(group.chip))
        start_res = self.now
        if job.gpus <= group.gpn:
            first = self._earliest_on_one_node(job.gpus, limit, group, releases)
            if first is None:
                return None
            start_res = first
        while start_res <= self.window_end:
            blocked = self.blocked(group.index, start_res, start_res + limit)
            later = self.next_release(group.index, start_res)
            fit = releases.will_run(job.gpus, group, blocked)
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

    def _earliest_on_one_node(
        self, gpus: int, limit: float, group: GroupState, releases: Releases
    ) -> float | None:
        """The earliest time a job on one node can start, node by node: on each node, from when
        running jobs leave it `gpus` free, past every reservation on it that overlaps the job.

        It is the time the retries over the whole map arrive at (the first time some node is
        ready and free of reservations over the job's limit), found by visiting only the
        nodes in order of readiness, until none can start earlier; `plan` confirms it."""
        on_node = self.on_node.get(group.index, {})
        best = math.inf
        for ready, node in releases.ready[group.index][gpus]:
            start = max(ready, self.now)
            if start >= best:
                break
            holds = on_node.get(node, ())
            moved = True
            while moved:
                moved = False
                for begin, end in holds:
                    if end > start and begin <= start + limit:
                        start, moved = end, True
            if start < best and start <= self.window_end:
                best = start
        return best if best < math.inf else None

    def hold(self, plan: Plan, job: Job, chip: str) -> None:
        """Enter a reservation for a planned (not started) job."""
        limit = job.estimate_on(job.speed_on(chip))
        self.reserve(plan.group, self.floor(plan.start), self.floor(plan.start + limit), plan.nodes)
