"""Invariants the policies promise (docs/simulator.md, the module docstrings), checked on random
traces: FIFO starts in arrival order, SJF never passes over a shorter job that fits, EASY
backfill never starts the reserved job later than the reservation's shadow time, and a run is the
same every time."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aisc.adapters.solvers.highs import HighsSolver
from aisc.core.scheduling.backfill import Reservation
from aisc.core.scheduling.model import ClusterSpec, Job, NodeGroup
from aisc.core.scheduling.placement import ClusterState
from aisc.core.scheduling.policies import POLICIES, make_policy
from aisc.core.scheduling.policies.fifo import Fifo
from aisc.core.scheduling.policies.multifactor import Backfill
from aisc.core.scheduling.policy import Context, PolicyOptions
from aisc.core.simulation.engine import Simulator
from aisc.core.simulation.records import Outcome
from aisc.core.simulation.run import simulate
from aisc.core.simulation.traces.base import Trace, TraceBuilder

Row = tuple[int, int, int]  # submit, GPUs, work (reference seconds)
WITH_LP = PolicyOptions(lp_solver=HighsSolver())  # for the policies that solve an LP
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
rows = st.lists(
    st.tuples(st.integers(0, 300), st.sampled_from([1, 1, 2, 4, 8, 16]), st.integers(0, 400)),
    min_size=1,
    max_size=30,
)
one_gpu_rows = st.lists(
    st.tuples(st.integers(0, 300), st.just(1), st.integers(0, 400)), min_size=1, max_size=30
)
clusters = st.builds(
    lambda nodes, gpn: ClusterSpec((NodeGroup("h800", nodes, gpn),)),
    st.integers(1, 3),
    st.sampled_from([4, 8]),
)


def trace_of(jobs: Sequence[Row], limit: float = math.inf) -> Trace:
    builder = TraceBuilder("hypothesis")
    for line, (submit, gpus, work) in enumerate(jobs, start=1):
        builder.add(line, float(submit), gpus, float(work), time_limit=limit)
    return builder.build()


def ran(outcome: np.ndarray) -> np.ndarray:
    return np.isin(outcome, [int(Outcome.DONE), int(Outcome.TIMEOUT)])


@SETTINGS
@given(jobs=rows, spec=clusters)
def test_fifo_starts_jobs_in_the_order_they_arrived(jobs: list[Row], spec: ClusterSpec) -> None:
    trace = trace_of(jobs)
    cols = simulate(trace, spec, "fifo").record.columns()
    started = cols["start"][ran(cols["outcome"])]  # trace order is arrival order
    assert np.all(np.diff(started) >= 0)


@SETTINGS
@given(jobs=one_gpu_rows, spec=clusters, limited=st.booleans())
def test_sjf_never_leaves_a_shorter_waiting_job_behind_one_it_starts(
    jobs: list[Row], spec: ClusterSpec, limited: bool
) -> None:
    # One-GPU jobs fit wherever a GPU is free, so at each scheduling point SJF starts a prefix of
    # its queue ordered by (expected run time, submit, id): every job still waiting afterwards
    # ranks after every job it started. With a time limit the expected time is the limit.
    trace = trace_of(jobs, limit=500.0 if limited else math.inf)
    cols = simulate(trace, spec, "sjf").record.columns()
    expected = np.full(len(trace), 500.0) if limited else trace.work
    rank = [(expected[i], trace.submit[i], i) for i in range(len(trace))]
    start, submit = cols["start"], cols["submit"]
    for a in range(len(trace)):
        waiting = (submit <= start[a]) & (start > start[a])
        for b in np.flatnonzero(waiting):
            assert rank[b] > rank[a]


class ObservedBackfill(Backfill):
    """Backfill that keeps the first shadow time promised to each reserved job."""

    def __init__(self, cluster: ClusterSpec, options: PolicyOptions) -> None:
        super().__init__(cluster, options)
        self.promised: dict[int, float] = {}

    def _reservation_for(self, job: Job, cluster: ClusterState, retest: bool) -> Reservation:
        found = super()._reservation_for(job, cluster, retest)
        self.promised.setdefault(job.id, found.shadow)
        return found


# Every priority weight zero: the queue is in arrival order and a reserved job stays at its head.
ARRIVAL_ORDER = PolicyOptions(
    weight_age=0.0, weight_fairshare=0.0, weight_jobsize=0.0, weight_qos=0.0, bf_max_job_test=5
)


@SETTINGS
@given(jobs=rows, spec=clusters)
def test_backfill_never_starts_the_reserved_job_after_its_shadow_time(
    jobs: list[Row], spec: ClusterSpec
) -> None:
    # Without time limits the scheduler's estimates are exact, so EASY's promise is checkable:
    # the blocked head starts no later than the shadow time first computed for it.
    policy = ObservedBackfill(spec, ARRIVAL_ORDER)
    sim = Simulator(spec, policy, trace_of(jobs))
    sim.run()
    start = sim.record.columns()["start"]
    for job_id, shadow in policy.promised.items():
        assert start[job_id] <= shadow + 1e-9


@SETTINGS
@given(jobs=rows, spec=clusters)
def test_backfill_starts_the_first_job_fifo_makes_wait_no_later_than_fifo_does(
    jobs: list[Row], spec: ClusterSpec
) -> None:
    # Up to the first job FIFO makes wait, both policies take the same decisions. FIFO then
    # starts that job as soon as the jobs before it leave room, which is the shadow time backfill
    # reserves for it (exact estimates), so backfill never starts it later.
    trace = trace_of(jobs)
    fifo = simulate(trace, spec, "fifo").record.columns()
    easy = simulate(trace, spec, "backfill", ARRIVAL_ORDER).record.columns()
    waited = np.flatnonzero(ran(fifo["outcome"]) & (fifo["start"] > fifo["submit"]))
    if waited.size:
        first = waited[0]
        assert easy["start"][first] <= fifo["start"][first] + 1e-9
        assert np.array_equal(easy["start"][:first], fifo["start"][:first])


class CallLog(Fifo):
    """FIFO that notes every call the engine makes, with the simulated time."""

    def __init__(self, cluster: ClusterSpec, options: PolicyOptions) -> None:
        super().__init__(cluster, options)
        self.calls: list[tuple[float, str]] = []

    def submit(self, job: Job, now: float) -> None:
        self.calls.append((now, "submit"))
        super().submit(job, now)

    def stopped(self, job: Job, now: float) -> None:
        self.calls.append((now, "stopped"))

    def schedule(self, ctx: Context) -> None:
        self.calls.append((ctx.now, "schedule"))
        super().schedule(ctx)


@SETTINGS
@given(jobs=rows, spec=clusters)
def test_each_instant_frees_gpus_then_takes_arrivals_then_schedules(
    jobs: list[Row], spec: ClusterSpec
) -> None:
    policy = CallLog(spec, PolicyOptions())
    Simulator(spec, policy, trace_of(jobs)).run()
    times = [t for t, _ in policy.calls]
    assert times == sorted(times)  # time never runs backwards
    assert not policy.calls or policy.calls[-1][1] == "schedule"  # the last events were scheduled
    rounds: list[list[tuple[float, str]]] = [[]]
    for call in policy.calls:
        rounds[-1].append(call)
        if call[1] == "schedule":
            rounds.append([])
    order = {"stopped": 0, "submit": 1, "schedule": 2}
    seen: set[float] = set()
    for calls in rounds[:-1]:
        t = calls[-1][0]
        assert {when for when, _ in calls} == {t}
        kinds = [order[k] for _, k in calls]
        assert kinds == sorted(kinds)  # completions, then arrivals, then the scheduling point
        if t in seen:
            # A second point at one instant only ever follows a job that ran for no time:
            # its completion comes after the point that started it; every arrival came before.
            assert kinds[0] == 0
            assert 1 not in kinds
        seen.add(t)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(jobs=rows, spec=clusters, policy=st.sampled_from(sorted(POLICIES)))
def test_a_run_is_the_same_every_time(jobs: list[Row], spec: ClusterSpec, policy: str) -> None:
    trace = trace_of(jobs, limit=300.0)
    first, second = simulate(trace, spec, policy, WITH_LP), simulate(trace, spec, policy, WITH_LP)
    for name, column in first.record.columns().items():
        assert np.array_equal(column, second.record.columns()[name], equal_nan=True), name
    assert first.summary == second.summary


@SETTINGS
@given(jobs=rows, spec=clusters, policy=st.sampled_from(sorted(POLICIES)))
def test_no_job_starts_before_it_is_submitted_or_ends_before_it_starts(
    jobs: list[Row], spec: ClusterSpec, policy: str
) -> None:
    trace = trace_of(jobs, limit=300.0)
    cols = simulate(trace, spec, policy, WITH_LP).record.columns()
    done = ran(cols["outcome"])
    assert np.all(cols["start"][done] >= cols["submit"][done])
    assert np.all(cols["end"][done] >= cols["start"][done])
    # A job runs for its work, cut at its limit, at the reference speed of a one-chip cluster.
    if not make_policy(policy, spec, WITH_LP).preemptive:
        assert np.allclose((cols["end"] - cols["start"])[done], np.minimum(trace.work, 300.0)[done])
