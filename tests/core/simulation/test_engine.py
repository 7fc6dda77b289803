import math
from collections import deque

import pytest

from aisc.core.scheduling.model import ClusterSpec, Job, parse_cluster
from aisc.core.scheduling.policy import Context, Policy, PolicyOptions
from aisc.core.simulation.engine import COMPACT_AT, Simulator
from aisc.core.simulation.records import Outcome
from aisc.core.simulation.traces.base import TraceBuilder


class Greedy(Policy):
    """Starts whatever fits, in arrival order; optionally preempts at a wake-up."""

    default_restart_s = 0.0  # free preemption unless a test gives a restart cost

    def __init__(self, cluster: ClusterSpec, preempt_at: float | None = None) -> None:
        super().__init__(cluster, PolicyOptions())
        self.queue: deque[Job] = deque()
        self.preempt_at = preempt_at
        self.events: list[str] = []

    def submit(self, job: Job, now: float) -> None:
        self.queue.append(job)
        if self.preempt_at is not None:
            self.events.append(f"wake {self.preempt_at}")

    def schedule(self, ctx: Context) -> None:
        if self.preempt_at is not None:
            ctx.wake_at(self.preempt_at)
            ctx.wake_at(self.preempt_at)  # asked twice, woken once
            ctx.wake_at(ctx.now)  # the present is not a wake-up
            ctx.wake_at(math.inf)  # nor is never
            if ctx.now == self.preempt_at:
                for job in list(ctx.running_jobs()):
                    ctx.preempt(job)
                    self.queue.appendleft(job)
                self.preempt_at = None
                self.events.append(f"preempted at {ctx.now}")
        for job in list(self.queue):
            if ctx.start(job):
                self.queue.remove(job)

    def started(self, job: Job, now: float) -> None:
        self.events.append(f"start {job.id} {now}")

    def stopped(self, job: Job, now: float) -> None:
        self.events.append(f"stop {job.id} {now}")


def test_completions_free_gpus_before_arrivals_at_the_same_instant() -> None:
    spec = parse_cluster("h800=1x8")
    sim = Simulator(spec, Greedy(spec))
    sim.submit(Job(0, 0.0, 8, 10.0))
    sim.submit(Job(0, 10.0, 8, 5.0))
    sim.run()
    cols = sim.record.columns()
    assert cols["start"].tolist() == [0.0, 10.0]
    assert cols["end"].tolist() == [10.0, 15.0]


def test_a_job_ends_when_the_end_rule_given_says() -> None:
    spec = parse_cluster("h800=1x8")
    # A replay of whole seconds: the end in the second after the start's plus the run time.
    sim = Simulator(spec, Greedy(spec), end_at=lambda start, run: math.floor(start) + run + 0.5)
    for submit, work in ((0.25, 10.0), (1.0, 5.0)):
        sim.submit(Job(0, submit, 8, work))
    sim.run()
    starts, ends = (sim.record.columns()[key].tolist() for key in ("start", "end"))
    assert (starts, ends) == ([0.25, 10.5], [10.5, 15.5])


def test_a_job_started_on_arrival_takes_its_gpus_before_the_queue_and_else_queues() -> None:
    spec = parse_cluster("h800=1x8")
    policy = Greedy(spec)
    sim = Simulator(spec, policy)
    queued = Job(0, 0.0, 8, 10.0)
    sim.submit(queued)
    replayed = Job(0, 0.0, 8, 4.0)
    sim.submit(replayed, at_once=True)  # submitted later, starts first
    sim.submit(Job(0, 2.0, 8, 3.0), at_once=True)  # no room at 2: it queues behind
    sim.run()
    cols = sim.record.columns()
    assert cols["start"].tolist() == [4.0, 0.0, 14.0]
    assert cols["end"].tolist() == [14.0, 4.0, 17.0]
    assert policy.events[0] == f"start {replayed.id} 0.0"  # the policy hears of its start
    assert sim.pending == 0


def test_a_preempted_job_keeps_its_remaining_work_and_resumes() -> None:
    spec = parse_cluster("h800=1x8")
    policy = Greedy(spec, preempt_at=4.0)
    sim = Simulator(spec, policy)
    sim.submit(Job(0, 0.0, 8, 10.0))
    sim.run()
    assert sim.record.end[0] == 10.0  # ran 0-4, preempted, resumed at once 4-10
    assert sim.record.preemptions[0] == 1
    assert [
        (s, e) for s, e in zip(sim.record.segments.start, sim.record.segments.end, strict=True)
    ] == [
        (0.0, 4.0),
        (4.0, 10.0),
    ]
    assert "preempted at 4.0" in policy.events


def test_advance_stops_at_the_asked_time_and_a_late_submission_arrives_now() -> None:
    spec = parse_cluster("h800=1x8")
    sim = Simulator(spec, Greedy(spec))
    sim.submit(Job(0, 0.0, 8, 100.0))
    sim.advance(50.0)
    assert sim.now == 50.0
    assert sim.record.ended == 0
    late = Job(0, 10.0, 1, 5.0)
    sim.submit(late)
    assert late.submit == 50.0
    seen: list[int] = []
    sim.advance(200.0, progress=seen.append)
    assert sim.record.ended == 2
    assert seen[-1] == 2
    sim.advance(100.0)  # the past: nothing happens
    assert sim.now == 200.0


def test_a_job_cut_at_its_time_limit_is_recorded_as_a_timeout() -> None:
    spec = parse_cluster("h800=1x8")
    sim = Simulator(spec, Greedy(spec))
    finished: list[int] = []
    sim.on_finish = lambda job: finished.append(job.id)
    sim.submit(Job(0, 0.0, 1, 100.0, time_limit=30.0))
    sim.submit(Job(0, 0.0, 1, 0.0))
    sim.run()
    assert sim.record.outcome[0] == Outcome.TIMEOUT
    assert sim.record.end[0] == 30.0
    assert sim.record.outcome[1] == Outcome.DONE
    assert sorted(finished) == [0, 1]


def test_a_job_wider_than_the_cluster_is_reported_and_never_waited_for() -> None:
    builder = TraceBuilder("t")
    builder.add(1, 0.0, 9, 10.0)
    builder.add(2, 1.0, 1, 10.0)
    spec = parse_cluster("h800=1x8")
    sim = Simulator(spec, Greedy(spec), builder.build())
    progress: list[int] = []
    sim.run(progress.append)
    assert sim.record.outcome[0] == Outcome.UNSCHEDULABLE
    assert "whole cluster has 8" in sim.record.reasons[0]
    assert sim.record.end[1] == 11.0
    assert progress == [2]


def test_the_engine_starts_many_jobs_and_reports_progress_while_running() -> None:
    builder = TraceBuilder("t")
    for i in range(5000):
        builder.add(i + 1, float(i), 1, 1.0)
    spec = parse_cluster("h800=1x8")
    sim = Simulator(spec, Greedy(spec), builder.build())
    seen: list[int] = []
    sim.run(seen.append)
    assert len(seen) >= 2
    assert seen[-1] == 5000


def test_the_base_policy_has_no_queue_of_its_own() -> None:
    policy = Policy(parse_cluster("h800=1x8"), PolicyOptions())
    with pytest.raises(NotImplementedError):
        policy.submit(Job(0, 0.0, 1, 1.0), 0.0)
    with pytest.raises(NotImplementedError):
        policy.schedule(Simulator(parse_cluster("h800=1x8"), policy))


def test_a_policy_may_hand_the_engine_its_own_placement() -> None:
    spec = parse_cluster("h800=2x8")
    sim = Simulator(spec, Greedy(spec))
    job = Job(0, 0.0, 8, 10.0)
    sim.record.add_job(job)
    sim.pending += 1
    placement = sim.cluster.place(job, exclude={0: {0}})  # the policy chose node 1
    assert sim.start(job, placement)
    assert sim.cluster.groups[0].free == [8, 0]
    assert len(sim.record) == 1
    assert list(sim.running_jobs()) == [job]
    sim.run()
    assert len(sim.record.segments) == 1
    assert sim.cluster.groups[0].free == [8, 8]
    assert len(sim.timeline) >= 1


class Churn(Policy):
    """Preempts and resumes every running job once a second (a stale completion each time)."""

    default_restart_s = 0.0

    def __init__(self, cluster: ClusterSpec) -> None:
        super().__init__(cluster, PolicyOptions())
        self.queue: list[Job] = []
        self.heap_sizes: list[int] = []

    def submit(self, job: Job, now: float) -> None:
        self.queue.append(job)

    def schedule(self, ctx: Context) -> None:
        for job in list(ctx.running_jobs()):
            ctx.preempt(job)
            self.queue.append(job)
        self.queue = [job for job in self.queue if not ctx.start(job)]
        if ctx.running_jobs():
            ctx.wake_at(ctx.now + 1.0)
        assert isinstance(ctx, Simulator)
        self.heap_sizes.append(len(ctx.heap))


def test_stale_completions_of_preempted_jobs_do_not_pile_up_in_the_heap() -> None:
    # 9,999 preemptions of one job would leave 9,999 stale completion events (each due at
    # 10,000 s); the heap is rebuilt without them once they are more than half of it.
    spec = parse_cluster("h800=1x8")
    policy = Churn(spec)
    sim = Simulator(spec, policy)
    sim.submit(Job(0, 0.0, 8, 10_000.0))
    sim.run()
    assert sim.record.preemptions[0] == 9_999  # at 1, 2, ..., 9,999 s; it ends at 10,000
    assert sim.record.end[0] == 10_000.0
    assert max(policy.heap_sizes) <= COMPACT_AT + 2
    assert sim.heap == []


def test_a_wake_up_asked_for_never_leaves_nothing_in_the_heap() -> None:
    spec = parse_cluster("h800=1x8")
    sim = Simulator(spec, Greedy(spec, preempt_at=4.0))
    sim.submit(Job(0, 0.0, 8, 10.0))
    sim.run()
    assert sim.heap == []


def test_the_next_arrival_is_the_earliest_of_the_trace_and_the_jobs_submitted() -> None:
    cluster = parse_cluster("a100=1x8")
    trace = TraceBuilder("t")
    trace.add(1, 50.0, 8, 10.0)
    sim = Simulator(cluster, Greedy(cluster), trace.build())
    assert sim.next_arrival() == 50.0
    sim.submit(Job(0, 20.0, 8, 10.0))
    sim.submit(Job(0, 90.0, 8, 10.0))
    assert sim.next_arrival() == 20.0
    sim.advance(60.0)
    assert sim.next_arrival() == 90.0
    sim.advance(math.inf)
    assert sim.next_arrival() == math.inf
