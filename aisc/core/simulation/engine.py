"""The event engine: a heap keyed (time, priority, sequence), no wall clock, one policy.

At one instant, completions (priority 0) come before jobs that start on arrival (1), arrivals
(2) and wake-ups (3), so GPUs a job frees are there for the jobs that arrive at the same second,
and a job that starts on arrival (a replayed job that already ran) takes its GPUs before the
policy sees the queue; the sequence number breaks the remaining ties in the order events were
created. After every event of an instant the policy gets
one scheduling point. Trace arrivals are read from the sorted columns with a cursor rather than
pushed onto the heap, which keeps the heap as small as the number of running jobs.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterable

from aisc.core.scheduling.model import ClusterSpec, Job
from aisc.core.scheduling.placement import ClusterState, Placement
from aisc.core.scheduling.policy import Policy
from aisc.core.simulation.records import Outcome, RunRecord, Timeline
from aisc.core.simulation.traces.base import Trace

COMPLETION, AT_ONCE, ARRIVAL, WAKE = 0, 1, 2, 3
INF = math.inf
# A preempted job's completion event goes stale in the heap until its time comes, which for a
# long job preempted every round is thousands of entries: once stale entries are more than
# half the heap (and at least this many), the heap is rebuilt without them.
COMPACT_AT = 1024
Event = tuple[float, int, int, Job | None, int]


class Simulator:
    """A simulated cluster driven by one policy; deterministic for a given trace and seed."""

    _stale = 0  # completion events of preempted jobs still in the heap (class default: pickles)

    def __init__(
        self,
        cluster: ClusterSpec,
        policy: Policy,
        trace: Trace | None = None,
        *,
        keep_segments: bool = True,
        end_at: Callable[[float, float], float] | None = None,
    ) -> None:
        self.cluster = ClusterState(cluster, policy.lowest_node_first)
        self.policy = policy
        self.trace = trace
        self.now = 0.0
        self.heap: list[Event] = []
        self._cursor = 0
        self._columns = trace.as_lists() if trace is not None else None
        self._seq = len(trace) if trace is not None else 0
        self.record = RunRecord(len(trace) if trace is not None else 0, keep_segments=keep_segments)
        self.timeline = Timeline()
        self.running: dict[int, Job] = {}
        self.pending = 0
        self._freed = False
        self._dirty = False
        self._wakes: set[float] = set()
        self.on_finish: Callable[[Job], None] | None = None
        self._chips = cluster.chips
        self._restart_s = policy.restart_s
        # When a job started at `now` to run `run` seconds ends (None: now + run); a replay of
        # a record kept in whole seconds places each end in the second the record gives.
        self.end_at = end_at

    # ---- the Context a policy sees -------------------------------------------------------
    @property
    def freed(self) -> bool:
        return self._freed

    def running_jobs(self) -> Iterable[Job]:
        return self.running.values()

    def start(self, job: Job, placement: Placement | None = None) -> bool:
        if placement is None:
            placement = self.cluster.place(job)
            if placement is None:
                return False
        chip = self.cluster.groups[placement[0]].chip
        speed = job.speed_on(chip)
        job.placement, job.run_since, job.run_speed = placement, self.now, speed
        restart = job.restart_left = self._restart_s if job.preemptions else 0.0
        job.expected_end = self.now + job.estimate_on(speed, restart)
        if job.first_start < 0:
            job.first_start = self.now
        self.record.started(job, placement[0])
        self.running[job.id] = job
        self.pending -= 1
        run = job.run_time_on(speed, restart)
        end = self.now + run if self.end_at is None else self.end_at(self.now, run)
        self._push(end, COMPLETION, job, job.version)
        self.policy.started(job, self.now)
        return True

    def preempt(self, job: Job) -> None:
        self._stop(job)
        job.version += 1
        job.preemptions += 1
        self.pending += 1
        self._stale += 1
        if self._stale >= COMPACT_AT and 2 * self._stale > len(self.heap):
            self._compact()

    def _compact(self) -> None:
        """Drop stale completion events, in place (callers hold the heap list)."""
        heap = self.heap
        heap[:] = [
            e for e in heap if e[1] != COMPLETION or (e[3] is not None and e[4] == e[3].version)
        ]
        heapq.heapify(heap)
        self._stale = 0

    def wake_at(self, time: float) -> None:
        """A wake-up at `time`; none for the present, the past or never (inf)."""
        if self.now < time < INF and time not in self._wakes:
            self._wakes.add(time)
            self._push(time, WAKE, None, 0)

    def next_arrival(self) -> float:
        pending = self._columns.submit if self._columns is not None else []
        upcoming = pending[self._cursor] if self._cursor < len(pending) else INF
        for time, kind, *_ in self.heap:  # arrivals given one by one (`submit`): few
            if kind in (ARRIVAL, AT_ONCE) and time < upcoming:
                upcoming = time
        return upcoming

    # ---- driving the simulation -------------------------------------------------------
    def submit(self, job: Job, *, at_once: bool = False) -> None:
        """Add one job (the embedded cluster); it arrives at max(job.submit, now).

        `at_once`: the job starts the moment it arrives, ahead of the queue, where it fits (a
        job that already ran, replayed as it ran); where it does not, it queues as any other.
        """
        job.submit = max(job.submit, self.now)
        self.record.add_job(job)
        self._push(job.submit, AT_ONCE if at_once else ARRIVAL, job, 0)

    def run(self, progress: Callable[[int], None] | None = None) -> None:
        """Run until every job has ended; `progress(jobs_ended)` is called now and then."""
        self.advance(INF, progress)

    def advance(self, until: float, progress: Callable[[int], None] | None = None) -> None:
        """Process every event up to and including time `until`."""
        beat, heap, process = 0, self.heap, self._process_instant
        submit = self._columns.submit if self._columns is not None else []
        arrivals = len(submit)
        while True:  # the next instant: the earlier of the heap's top and the next trace arrival
            time = heap[0][0] if heap else INF
            if self._cursor < arrivals and submit[self._cursor] < time:
                time = submit[self._cursor]
            if time > until or time == INF:
                break
            self.now = time
            process(time)
            beat += 1
            if progress is not None and beat % 4096 == 0:
                progress(self.record.ended)
        if until != INF and until > self.now:
            self.now = until
        if progress is not None:
            progress(self.record.ended)

    def _process_instant(self, time: float) -> None:
        heap, pop = self.heap, heapq.heappop
        while heap and heap[0][0] == time and heap[0][1] == COMPLETION:
            _, _, _, job, version = pop(heap)
            if job is not None and version == job.version:
                self._complete(job)
            else:
                self._stale -= 1
        self._arrive_trace_jobs(time)
        while heap and heap[0][0] == time:
            _, kind, _, job, _ = pop(heap)
            if kind != WAKE and job is not None:
                self._arrive(job, kind == AT_ONCE)
            else:
                self._wakes.discard(time)
                self._dirty = True
        if self._dirty:
            self.policy.schedule(self)
            self._dirty = self._freed = False
        self.timeline.add(time, self.cluster, self.pending, len(self.running))

    def _arrive_trace_jobs(self, time: float) -> None:
        columns = self._columns
        if columns is None:
            return
        submit, cursor, end = columns.submit, self._cursor, len(columns.submit)
        while cursor < end and submit[cursor] == time:
            self._arrive(columns.job(cursor))
            cursor += 1
        self._cursor = cursor

    def _arrive(self, job: Job, at_once: bool = False) -> None:
        plain = job.speeds is None and job.chip is None
        self.record.arrived(job, 1.0 if plain else max(job.speed_on(c) for c in self._chips))
        reason = self.cluster.why_unschedulable(job)
        if reason is not None:
            self.record.unschedulable(job, reason)
            return
        self.pending += 1
        self._dirty = True
        if at_once and self.start(job):
            return
        self.policy.submit(job, self.now)

    def _complete(self, job: Job) -> None:
        self._stop(job)
        tolerance = 1e-9 * (job.work if job.work > 1.0 else 1.0)
        outcome = Outcome.DONE if job.remaining <= tolerance else Outcome.TIMEOUT
        job.end = self.now
        self.record.ended_job(job, outcome)
        if self.on_finish is not None:
            self.on_finish(job)

    def _stop(self, job: Job) -> None:
        ran = self.now - job.run_since
        job.ran += ran
        worked = ran - job.restart_left  # restoring after a preemption does no work
        left = job.remaining - (worked if worked > 0.0 else 0.0) * job.run_speed
        job.remaining = left if left > 0.0 else 0.0
        job.attained += ran * job.gpus
        self.cluster.release(job.placement)
        self.record.stopped(job, self.now)
        del self.running[job.id]
        self._freed = self._dirty = True
        self.policy.stopped(job, self.now)

    def _push(self, time: float, kind: int, job: Job | None, version: int) -> None:
        self._seq += 1
        heapq.heappush(self.heap, (time, kind, self._seq, job, version))
