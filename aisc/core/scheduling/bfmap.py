"""Slurm's backfill map for one cycle (sched/backfill, `_attempt_backfill`, Slurm 22.05).

Slurm keeps two things apart, and so does this module:
- running jobs are the select plugin's business: a job "will run" at the earliest time its GPUs
  are free on the nodes it may use, each running job ending at its expected end (its time
  limit); `aisc.core.scheduling.releases` answers that;
- pending jobs that cannot start get a reservation in the node-space map: the WHOLE nodes chosen
  for them are taken out of the map from the start time to start + time limit, both rounded down
  to `bf_resolution` (a one-GPU job reserves its node whole, as Slurm's node bitmaps do).

Slurm plans a job by retrying: start at now; take the nodes free of reservations over
[start, start + limit]; ask will-run; if the answer lies past the next change of the map, try
again from there (TRY_LATER). `plan` gives the start those retries arrive at, found node by node
(`earliest`), and the nodes will-run names at it; a start beyond `bf_window` gets no
reservation. The map is a list of records, one per span of time between two reservation
boundaries (Slurm's node_space table); once it holds `bf_node_space_size` records, the cycle
makes no more reservations and stops, which bounds the cycle's work as Slurm's ("table size
limit reached"). Slurm also merges a record into its neighbour when both leave the same nodes
free; the count here does not, so a cycle may stop a little earlier than Slurm's. Times are
simulation seconds; `epoch` is the wall-clock second of time 0, so rounding to the resolution
falls where Slurm's does (on multiples of the resolution since 1970).
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right, insort
from operator import itemgetter
from typing import NamedTuple

from aisc.core.scheduling.model import Job
from aisc.core.scheduling.placement import GroupState
from aisc.core.scheduling.releases import Releases


class Plan(NamedTuple):
    """What one backfill test decided: start now (`start` == now) or reserve from `start`.
    (A named tuple: one is made per test, and a frozen dataclass costs several times more.)"""

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
        self.edges: list[float] = []  # the same, sorted
        self.resolution = resolution
        self.epoch = epoch
        self.window_end = now + window
        # group -> reservations (begin, end, nodes), in the order they were made
        self.reserved: dict[int, list[tuple[float, float, frozenset[int]]]] = {}
        # group -> node -> the reservations holding it (begin, end), sorted
        self.on_node: dict[int, dict[int, list[tuple[float, float]]]] = {}
        # group -> (first beginning, node), sorted: the nodes `blocked` has to look at, at the
        # front (a test asks about the next hours, and most reservations begin later)
        self.firsts: dict[int, list[tuple[float, int]]] = {}
        self.ended_by_now: set[int] = set()  # groups with a reservation ending by now (rare)
        # group -> (time, node), sorted: a boundary at which the node stops being reserved
        # (`later_start` reads the first); and group -> node -> those times
        self.leaves: dict[int, list[tuple[float, int]]] = {}
        self.leaving: dict[int, dict[int, set[float]]] = {}

    def floor(self, time: float) -> float:
        """`time` rounded down to the resolution, on the wall clock's grid."""
        step = self.resolution
        return math.floor((time + self.epoch) / step) * step - self.epoch

    @property
    def full(self) -> bool:
        """The map holds as many records as it may: one, plus one per boundary inside it."""
        return 1 + len(self.bounds) >= self.max_records

    def reserve(self, group: int, begin: float, end: float, nodes: frozenset[int]) -> None:
        """Take `nodes` from `begin` to `end`. A node stops being reserved at the end of a
        reservation that holds it for a while, where no other holds it: the new one can only
        add its own end, and take away the ends of others that fall inside it, so each node's
        times are kept up to date without recounting them."""
        for t in (begin, end):
            if self.now < t < self.window_end and t not in self.bounds:
                self.bounds.add(t)
                insort(self.edges, t)
        self.reserved.setdefault(group, []).append((begin, end, nodes))
        if end <= self.now:
            self.ended_by_now.add(group)
        on_node = self.on_node.setdefault(group, {})
        firsts = self.firsts.setdefault(group, [])
        leaves = self.leaves.setdefault(group, [])
        leaving = self.leaving.setdefault(group, {})
        opens = begin < end and self.now < end < self.window_end
        for node in nodes:
            holds = on_node.get(node)
            if holds is None:
                holds, times = [], set[float]()
                on_node[node], leaving[node] = holds, times
                insort(firsts, (begin, node))
            else:
                if begin < holds[0][0]:
                    del firsts[bisect_left(firsts, (holds[0][0], node))]
                    insort(firsts, (begin, node))
                times = leaving[node]
                for time in [t for t in times if begin <= t < end]:
                    times.remove(time)
                    del leaves[bisect_left(leaves, (time, node))]
            if opens and end not in times and not _covers(holds, end):
                times.add(end)
                insort(leaves, (end, node))
            insort(holds, (begin, end))

    def blocked(self, group: int, start: float, end: float) -> set[int]:
        """Nodes some reservation holds at any time of [start, end] (Slurm ANDs the slots that
        end after `start` and begin no later than `end`)."""
        firsts = self.firsts.get(group, [])
        if start == self.now and group not in self.ended_by_now:
            # Every reservation ends after now (the tests ask from now): the nodes whose first
            # reservation begins by `end`, a slice of `firsts`.
            return set(map(_node_of, firsts[: bisect_right(firsts, (end, math.inf))]))
        # Node by node, in order of their first reservation's beginning, up to `end`; each
        # node's reservations sorted by beginning: the first that begins by `end` usually
        # settles it.
        taken: set[int] = set()
        on_node = self.on_node.get(group, {})
        for first, node in firsts:
            if first > end:
                break
            for begin, finish in on_node[node]:
                if begin > end:
                    break
                if finish > start:
                    taken.add(node)
                    break
        return taken

    def plan(self, job: Job, group: GroupState, releases: Releases) -> Plan | None:
        """Start now, reserve, or None (never fits on this group inside the window).

        Slurm retries its will-run test at every change of the map until the answer holds over
        the job's limit (TRY_LATER); `earliest` finds the time those retries arrive at without
        walking them (tests/core/scheduling/test_bfmap_properties.py compares the two on random
        maps), and the will-run test at that time names the nodes."""
        limit = job.estimate_on(job.speed_on(group.chip))
        first = self._first_try(job.gpus, limit, group, releases)
        if isinstance(first, Plan):
            return first
        found = self._search(job.gpus, limit, group, releases, first)
        if found is None:
            return None
        start, nodes = found
        if nodes is None:
            held = self.blocked(group.index, start, start + limit)
            fit = releases.will_run(job.gpus, group, held)
            assert fit is not None, "the earliest start fits"
            assert fit[0] <= start, "the earliest start fits"
            nodes = fit[1]
        return Plan(group.index, start, nodes)

    def _first_try(
        self, gpus: int, limit: float, group: GroupState, releases: Releases
    ) -> Plan | float | None:
        """Slurm's first test of a job that cannot start now, where it is already a plan:
        will-run on the nodes free of reservations over [now, now + limit] answers a start
        (as Slurm's does, `Releases.batched`: the end of the batch of running jobs that frees
        the job, which can lie past the earliest time) no later than the map's next boundary,
        and the job's slot rounded to the resolution, [floor(start), floor(start + limit)),
        holds none of those nodes while some reservation does (backfill.c,
        `_test_resv_overlap`, strict on the end). That slot can end before the job's limit
        does: a reservation beginning at floor(start + limit) does not stop the plan, where
        the retries `earliest` stands for would push the start past it. Where the slot does
        meet a reservation, Slurm tries again from that start (TRY_LATER with later_start =
        the start): the time the search starts from. None: the search decides, from now."""
        now, on_node = self.now, self.on_node.get(group.index, {})
        # will-run and the batches ask about many nodes, most of them more than once: the set
        # costs one pass over the group's reservations, and each question a set look-up
        held = self.blocked(group.index, now, now + limit)
        fit = releases.will_run(gpus, group, held)
        if fit is None or fit[0] <= now:
            return None
        # Slurm's will-run ends running jobs in batches and answers the last one's end, never
        # before the earliest time: past the window or the next boundary already, it is no plan
        later = min(self.window_end, self.later_start(group.index, limit))
        if fit[0] > later:
            return None
        start = releases.batched(gpus, fit[0], group.index, held, self.epoch)
        if start > later:
            return None
        begin, end = self.floor(start), self.floor(start + limit)
        for node in fit[1]:  # a reservation holding it at any time of [begin, end)
            for b, e in on_node.get(node, ()):  # sorted by beginning
                if b >= end:
                    break
                if e > begin:
                    return start
        return Plan(group.index, start, fit[1])

    def later_start(self, group: int, limit: float) -> float:
        """backfill.c's `later_start` for a test from now: walking the map's records (spans
        between the boundaries of every group's reservations) from the one holding now, the
        end of the first record after which one of the group's nodes is free that is not
        free in every record met so far; a boundary where nodes are only taken, or only
        another group's change, is no reason to test later. The walk tests the boundary after
        a record and then stops once that record began past now + limit, so it reaches the
        boundaries up to the second past now + limit. inf: none.

        The boundary it stops at is the first at which a node stops being reserved (a node
        free there but not in every record before was reserved in the record just before,
        by a reservation that ends there): the first of `leaves`, if the walk reaches it."""
        leaves, edges = self.leaves.get(group), self.edges
        if not leaves:
            return math.inf
        reach = bisect_right(edges, self.now + limit) + 1  # the last boundary the walk tests
        first = leaves[0][0]
        return first if first <= edges[min(reach, len(edges) - 1)] else math.inf

    def earliest(
        self, gpus: int, limit: float, group: GroupState, releases: Releases
    ) -> float | None:
        """The start the retries arrive at, found without them; None: none inside the window."""
        found = self._search(gpus, limit, group, releases)
        return None if found is None else found[0]

    def _search(
        self,
        gpus: int,
        limit: float,
        group: GroupState,
        releases: Releases,
        since: float | None = None,
    ) -> tuple[float, frozenset[int] | None] | None:
        """The earliest start from `since` (default now), and the nodes will-run names at it
        where the search knows them already (None: ask will-run); None when no start lies
        inside the window."""
        since = self.now if since is None else since
        if gpus <= group.gpn:
            return self._earliest_on_one_node(gpus, limit, group, releases, since)
        need = group.nodes_needed(gpus)
        start = self._earliest_whole_nodes(need, limit, group, releases, since)
        return None if start is None else (start, None)

    def _earliest_on_one_node(
        self, gpus: int, limit: float, group: GroupState, releases: Releases, now: float
    ) -> tuple[float, frozenset[int] | None] | None:
        """The earliest time a job on one node can start, node by node: on each node, from when
        running jobs leave it `gpus` free, past every reservation on it that overlaps the job.

        It is the time the retries over the whole map arrive at (the first time some node is
        ready and free of reservations over the job's limit), found by visiting only the
        nodes in order of readiness, until none can start earlier; `plan` confirms it.

        The first node in that order to reach the earliest start is the node will-run names
        there when running jobs must leave it first: every node before it in that order (those
        with `gpus` free now among them) cannot start the job then, so a reservation holds it
        then, and will-run, asking the free nodes first and then the others in the same order,
        skips them all. A node with `gpus` free now is left to will-run, which picks among
        those by best fit."""
        on_node, best = self.on_node.get(group.index, {}), math.inf
        first, first_ready = -1, -math.inf  # the first node to reach `best`, and its readiness
        for ready, node in releases.ready[group.index][gpus]:
            start = ready if ready > now else now
            if start >= best:
                break
            # Sorted by beginning, one pass pushes the start past each reservation in its way,
            # and stops at the first that begins after the job's limit from the pushed start.
            reach = start + limit
            for begin, end in on_node.get(node, ()):
                if begin > reach:
                    break
                if end > start:
                    start, reach = end, end + limit
            if start < best:
                best, first, first_ready = start, node, ready
        if best > self.window_end:
            return None
        return best, (None if first_ready == -math.inf else frozenset((first,)))

    def _earliest_whole_nodes(
        self, need: int, limit: float, group: GroupState, releases: Releases, now: float
    ) -> float | None:
        """The earliest time `need` nodes are whole and free of reservations together over the
        job's limit, by one sweep over the count of such nodes instead of retry by retry.

        A start s is blocked on a node by a reservation [begin, end) when begin <= s + limit and
        s < end, i.e. for s in [begin - limit, end); the node can also take the gang only once
        its running jobs have left it whole. So each reserved node is free over a few intervals
        of s, every other node from its readiness on, and the answer is the first time the
        count reaches `need`: the time the retries arrive at, since the count changes only at
        readiness times, reservation ends and the starts of blocked spans; `plan` confirms it
        and takes the nodes."""
        on_node, gpn = self.on_node.get(group.index, {}), group.gpn
        rows = releases.rows[group.index]
        # Nodes no reservation holds count from their readiness; only the first `need` of
        # them can matter: the count reaches `need` by the last one's readiness, `cap`.
        changes: list[tuple[float, int]] = []
        for ready, node in releases.ready[group.index][gpn]:
            if len(changes) == need:
                break
            if node not in on_node:
                changes.append((max(ready, now), 1))
        cap = changes[-1][0] if len(changes) == need else math.inf
        for node, holds in on_node.items():
            row = rows.get(node)
            free_from = now if row is None else max(row[gpn], now)
            for begin, end in holds:  # sorted by beginning
                if free_from >= cap:  # what this node does from `cap` on cannot matter
                    break
                if end <= free_from:
                    continue
                if begin - limit > free_from:
                    changes += ((free_from, 1), (begin - limit, -1))
                free_from = end
            if free_from < cap:
                changes.append((free_from, 1))
        # Ends of blocked spans sort before beginnings at the same time (-1 < 1), so the count
        # first reaches `need` at a time the job can start. The last entry stands for "never".
        changes.sort()
        changes.append((math.inf, need))
        free, at = 0, 0
        while free < need:
            time, step = changes[at]
            free, at = free + step, at + 1
        return time if time <= self.window_end else None

    def hold(self, plan: Plan, job: Job, chip: str) -> None:
        """Enter a reservation for a planned (not started) job."""
        limit = job.estimate_on(job.speed_on(chip))
        self.reserve(plan.group, self.floor(plan.start), self.floor(plan.start + limit), plan.nodes)


_node_of = itemgetter(1)  # of a (first beginning, node) entry of `firsts`


def _covers(holds: list[tuple[float, float]], time: float) -> bool:
    """Whether a reservation of `holds` (sorted by beginning) holds the node at `time`."""
    for begin, end in holds:
        if begin > time:  # this one and every later one begin after it
            return False
        if time < end:
            return True
    return False
