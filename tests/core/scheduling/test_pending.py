"""The pending queue of the multifactor policies gives the order of the plain per-job
computation: every job's priority by `PriorityCalculator.priority` (at submission, then at each
recalculation), the queue sorted by (-priority, submit, id)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.scheduling.model import ClusterSpec, Job, NodeGroup
from aisc.core.scheduling.pending import RADIX_SPAN, PendingQueue, rank_order
from aisc.core.scheduling.policy import PolicyOptions, UsageMeter
from aisc.core.scheduling.priority import PriorityCalculator

SPEC = ClusterSpec((NodeGroup("h800", 4, 8),), shares={"p1": 3.0, "p2": 1.0, "p3": 1.0})
PROJECTS = ["p1", "p2", "p3", "nobody"]


@dataclass
class Reference:
    """The plain computation: a dict of keys, sorted on demand."""

    calc: PriorityCalculator
    keys: dict[int, tuple[float, float, int]] = field(default_factory=dict)
    jobs: dict[int, Job] = field(default_factory=dict)

    def add(self, job: Job, now: float, fairshare: dict[str, float]) -> None:
        self.keys[job.id] = (-self.calc.priority(job, now, fairshare), job.submit, job.id)
        self.jobs[job.id] = job

    def discard(self, job: Job) -> None:
        del self.keys[job.id], self.jobs[job.id]

    def reorder(self, now: float, fairshare: dict[str, float]) -> None:
        for job in self.jobs.values():
            self.add(job, now, fairshare)

    def order(self) -> list[int]:
        return [job_id for *_, job_id in sorted(self.keys.values())]


# One step: ("add", gap, GPUs, project, qos, submitted late by), ("leave", which),
# ("recalc", gap, usage of p1, p2), ("walk", how many jobs to look at).
steps = st.lists(
    st.one_of(
        st.tuples(
            st.just("add"),
            st.sampled_from([0, 0, 1, 30, 3600, 86_400]),
            st.sampled_from([1, 2, 8, 16, 32]),
            st.sampled_from(PROJECTS),
            st.sampled_from(["normal", "high"]),
            st.sampled_from([0, 0, 0, 500]),  # 500: it comes back late (allocation limits)
        ),
        st.tuples(st.just("leave"), st.integers(0, 10_000)),
        st.tuples(
            st.just("recalc"),
            st.sampled_from([0, 300, 86_400]),
            st.floats(0, 1e7),
            st.floats(0, 1e7),
        ),
        st.tuples(st.just("walk"), st.integers(0, 5)),
    ),
    max_size=80,
)


@settings(max_examples=200, deadline=None)
@given(plan=steps, whole=st.booleans(), age_weight=st.sampled_from([1000.0, 1e9]))
def test_the_queue_walks_in_the_order_of_the_plain_per_job_computation(
    plan: list[tuple[object, ...]], whole: bool, age_weight: float
) -> None:
    # A weight of 1e9 spreads whole priorities past 2^16, off the radix sort.
    calc = PriorityCalculator(SPEC, PolicyOptions(weight_age=age_weight))
    calc.whole = whole
    queue, ref = PendingQueue(calc), Reference(calc)
    fairshare = calc.fairshare({}, PROJECTS)
    now, next_id, left = 0.0, 0, list[Job]()
    for step in plan:
        match step:
            case ("add", int(gap), int(gpus), str(project), str(qos), int(late)):
                now += gap
                if left and late:  # a job that left comes back with its own submit time
                    job = left.pop()
                else:
                    job = Job(next_id, now - late, gpus, 1.0, project=project, qos=qos)
                    next_id += 1
                queue.add(job, now, fairshare)
                ref.add(job, now, fairshare)
            case ("leave", int(which)):
                pending = list(ref.jobs.values())
                if pending:
                    job = pending[which % len(pending)]
                    assert queue.discard(job)
                    ref.discard(job)
                    left.append(job)
            case ("recalc", int(gap), float(u1), float(u2)):
                now += gap
                fairshare = calc.fairshare({"p1": u1, "p2": u2}, PROJECTS)
                queue.reorder(now, fairshare)
                ref.reorder(now, fairshare)
            case ("walk", int(many)):
                seen: list[int] = []
                for job in queue:
                    if len(seen) == many:
                        break
                    seen.append(job.id)
                assert seen == ref.order()[:many]
        assert [job.id for job in queue] == ref.order()
        assert len(queue) == len(ref.jobs)


def test_a_queue_of_thousands_walks_in_order_after_each_recalculation_and_removal() -> None:
    calc = PriorityCalculator(SPEC, PolicyOptions())
    calc.whole = True
    queue, ref = PendingQueue(calc), Reference(calc)
    meter = UsageMeter(7 * 86_400)
    fairshare = calc.fairshare({}, PROJECTS)
    jobs = [
        Job(i, float(i * 7), [1, 8, 32][i % 3], 1.0, project=PROJECTS[i % 4], qos="normal")
        for i in range(3000)
    ]
    for job in jobs:
        queue.add(job, job.submit, fairshare)
        ref.add(job, job.submit, fairshare)
        meter.change(job.project, job.gpus, job.submit)
    for round_ in range(3):
        now = 30_000.0 + 300 * round_
        fairshare = calc.fairshare(meter.at(now), PROJECTS)
        queue.reorder(now, fairshare)
        ref.reorder(now, fairshare)
        order = ref.order()
        assert [job.id for job in queue] == order
        for job_id in order[: 50 * (round_ + 1) : 3]:  # starts near the head, as passes make
            assert queue.discard(ref.jobs[job_id])
            ref.discard(ref.jobs[job_id])
        assert [job.id for job in queue] == ref.order()
    assert len(queue) == 3000 - 17 - 34 - 50


def test_a_job_not_queued_is_not_in_the_queue_and_cannot_leave_it() -> None:
    queue = PendingQueue(PriorityCalculator(SPEC, PolicyOptions()))
    job = Job(1, 0.0, 1, 1.0, project="p1")
    assert job not in queue
    assert not queue.discard(job)
    queue.add(job, 0.0, {})
    assert job in queue
    queue.reorder(10.0, {})  # an empty fair-share table gives every project 0
    assert list(queue) == [job]


@pytest.mark.parametrize("whole", [True, False])
def test_equal_priorities_keep_the_order_they_were_given_in(whole: bool) -> None:
    order = rank_order(np.array([5.0, 7.0, 5.0, 7.0, 6.0]), whole=whole)
    assert order.tolist() == [1, 3, 4, 0, 2]


def test_a_job_submitted_since_the_recalculation_that_left_is_skipped_in_the_walk() -> None:
    calc = PriorityCalculator(SPEC, PolicyOptions())
    queue = PendingQueue(calc)
    old = Job(1, 0.0, 1, 1.0, project="p2")
    queue.add(old, 0.0, {})
    queue.reorder(10.0, {})
    # Ranked ahead of the recalculated job by its QOS, then gone before anyone walks the queue.
    urgent = Job(2, 20.0, 1, 1.0, project="p1", qos="high")
    later = Job(3, 30.0, 1, 1.0, project="p1", qos="high")
    queue.add(urgent, 20.0, {})
    queue.add(later, 30.0, {})
    assert queue.discard(urgent)
    assert [job.id for job in queue] == [3, 1]


def test_whole_priorities_spread_past_the_radix_span_sort_by_value() -> None:
    spread = np.array([0.0, 3.0 * RADIX_SPAN, 5.0, 3.0 * RADIX_SPAN])
    assert rank_order(spread, whole=True).tolist() == [1, 3, 2, 0]


def test_a_job_that_comes_back_with_an_earlier_submit_time_is_ranked_by_it() -> None:
    calc = PriorityCalculator(SPEC, PolicyOptions())
    queue = PendingQueue(calc)
    newer = Job(1, 100.0, 1, 1.0, project="p1")
    queue.add(newer, 100.0, {})
    queue.reorder(110.0, {})
    returned = Job(0, 50.0, 1, 1.0, project="p1")  # held back by its allocation's limits
    queue.add(returned, 120.0, {})
    queue.reorder(130.0, {})
    assert [job.id for job in queue] == [0, 1]
    # Submitted since, behind every ranked job; one of them gone before the walk.
    last, gone = Job(2, 140.0, 1, 1.0, project="p1"), Job(3, 150.0, 1, 1.0, project="p1")
    queue.add(last, 140.0, {})
    queue.add(gone, 150.0, {})
    assert queue.discard(gone)
    assert [job.id for job in queue] == [0, 1, 2]
