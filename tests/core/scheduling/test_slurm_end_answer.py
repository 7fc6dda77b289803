"""When the `slurm` policy's main loop answers a job's end (`end_answer_s`): slurmd reports the
epilog complete only once it finds the job's processes gone, so a backfill cycle that comes in
between takes the freed nodes first."""

from typing import Any

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.model import Job, parse_cluster
from aisc.core.scheduling.policies.slurm import Slurm
from aisc.core.scheduling.policy import PolicyOptions
from aisc.core.simulation.engine import Simulator


def starts(jobs: list[Job], **options: Any) -> dict[int, float]:
    """First starts on one node of 8 GPUs."""
    spec = parse_cluster("h800=1x8")
    sim = Simulator(spec, Slurm(spec, PolicyOptions(**options)))
    for job in jobs:
        sim.submit(job)
    sim.run()
    return {job.id: job.first_start for job in jobs}


def waiting_for_a_node(**options: Any) -> float:
    """When a whole-node job submitted at 0.5 starts, behind one that holds the node to 9.7."""
    jobs = [Job(0, 0.0, 8, 9.7, time_limit=9.7), Job(1, 0.5, 8, 10.0, time_limit=10.0)]
    return starts(jobs, bf_resolution_s=1.0, **options)[1]


def test_the_main_loop_answers_an_end_at_once_unless_told_to_wait() -> None:
    assert waiting_for_a_node(bf_interval_s=1000.0) == pytest.approx(9.7)
    assert waiting_for_a_node(bf_interval_s=1000.0, end_answer_s=0.17) == pytest.approx(9.87)


def test_a_backfill_cycle_before_the_answer_starts_the_waiting_job() -> None:
    # Backfill every second from time 0: the cycle at 10 comes before an answer at 10.37, not
    # before one at 9.87.
    assert waiting_for_a_node(bf_interval_s=1.0, end_answer_s=0.67) == pytest.approx(10.0)
    assert waiting_for_a_node(bf_interval_s=1.0, end_answer_s=0.17) == pytest.approx(9.87)


@pytest.mark.parametrize("after", [0.0, -0.1, float("nan")])
def test_policy_options_refuse_an_answer_time_that_is_not_positive(after: float) -> None:
    with pytest.raises(RuleViolation) as caught:
        PolicyOptions(end_answer_s=after)
    assert caught.value.field == "end_answer_s"


def test_with_batched_submissions_the_main_loop_still_answers_an_end_only_when_told() -> None:
    # batch_sched_delay_s holds submissions for the background thread's wake-ups; an end is
    # answered at once without end_answer_s, and that long after it with one.
    assert waiting_for_a_node(bf_interval_s=1000.0, batch_sched_delay_s=3.0) == pytest.approx(9.7)
    answered = waiting_for_a_node(bf_interval_s=1000.0, batch_sched_delay_s=3.0, end_answer_s=0.67)
    assert answered == pytest.approx(10.37)
