"""The `slurm` policy's clocks: the main loop batched on whole seconds (batch_sched_delay), at
once when a job ends, cycles only at their ticks, and the backfill on a phase of its own."""

from typing import Any

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.model import Job, parse_cluster
from aisc.core.scheduling.policies.slurm import Slurm
from aisc.core.scheduling.policy import PolicyOptions
from aisc.core.simulation.engine import Simulator

# Backfill far apart, so these starts are the main loop's unless a test says otherwise.
SLOW_BACKFILL: dict[str, Any] = {"bf_interval_s": 1000.0, "bf_resolution_s": 1.0}


def starts(jobs: list[Job], cluster: str = "h800=1x8", **options: Any) -> dict[int, float]:
    spec = parse_cluster(cluster)
    sim = Simulator(spec, Slurm(spec, PolicyOptions(**{**SLOW_BACKFILL, **options})))
    for job in jobs:
        sim.submit(job)
    sim.run()
    return {job.id: job.first_start for job in jobs}


def job(id: int, submit: float, gpus: int, run: float) -> Job:
    return Job(id, submit, gpus, run, time_limit=run)


def test_submissions_wait_for_a_whole_second_at_least_the_delay_after_the_last_pass() -> None:
    jobs = [job(0, 0.5, 1, 100), job(1, 1.2, 1, 100), job(2, 6.5, 1, 100)]
    # 0: the next whole second; 1: three seconds after that pass; 2: its own next second,
    # which is also three after the pass at 4.
    assert starts(jobs, batch_sched_delay_s=3.0) == {0: 1.0, 1: 4.0, 2: 7.0}


def test_without_a_delay_the_main_loop_runs_at_every_submission() -> None:
    jobs = [job(0, 0.5, 1, 100), job(1, 1.2, 1, 100), job(2, 6.5, 1, 100)]
    assert starts(jobs) == {0: 0.5, 1: 1.2, 2: 6.5}


def test_a_job_ending_runs_the_main_loop_at_once() -> None:
    jobs = [job(0, 0.5, 8, 10), job(1, 2.0, 8, 10)]  # 1 is blocked at 4, fits when 0 ends
    assert starts(jobs, batch_sched_delay_s=3.0) == {0: 1.0, 1: 11.0}


def test_a_backfill_tick_that_passed_with_nothing_queued_does_not_run_late() -> None:
    jobs = [job(0, 0.5, 4, 100), job(1, 12.5, 1, 100)]
    # The tick at 10 found the queue empty; job 1 waits for the batch at 13, not a cycle at 12.5.
    got = starts(jobs, batch_sched_delay_s=3.0, bf_interval_s=10.0)
    assert got == {0: 1.0, 1: 13.0}


def test_a_full_pass_that_found_nothing_queued_still_delays_the_next_batch() -> None:
    jobs = [job(0, 0.5, 1, 100), job(1, 11.5, 1, 100)]
    # The full pass at 10 counts as the last pass (Slurm's last_sched_time): 13, not 12.
    got = starts(jobs, batch_sched_delay_s=3.0, sched_interval_s=10.0)
    assert got == {0: 1.0, 1: 13.0}


@pytest.mark.parametrize(("origin", "expected"), [(2.5, 2.5), (None, 5.0)])
def test_the_backfill_cycle_ticks_from_its_own_origin_when_one_is_given(
    origin: float | None, expected: float
) -> None:
    jobs = [job(0, 0.2, 1, 1000), job(1, 1.5, 1, 1000)]
    # A long delay leaves job 1 to the backfill cycle: at 2.5 on its own phase, else at 5.
    got = starts(jobs, batch_sched_delay_s=100.0, bf_interval_s=5.0, bf_origin_s=origin)
    assert got == {0: 1.0, 1: expected}


@pytest.mark.parametrize("delay", [-1.0, 86_401.0, float("nan")])
def test_policy_options_refuse_a_batch_delay_out_of_range(delay: float) -> None:
    with pytest.raises(RuleViolation) as caught:
        PolicyOptions(batch_sched_delay_s=delay)
    assert caught.value.field == "batch_sched_delay_s"


def test_the_background_thread_wakes_through_the_wake_ups_given() -> None:
    jobs = [job(0, 0.5, 1, 100), job(1, 1.3, 1, 100)]
    got = starts(jobs, batch_sched_delay_s=3.0, sched_wakes_s=(0.25, 6.31))
    # Wake-ups at 0.25 + 1.01 k between the two given: 1.26 first; then the first one in
    # whole second 4 (1 + 3): 4.29.
    assert got == pytest.approx({0: 1.26, 1: 4.29})


def test_logged_passes_run_the_main_loop_at_those_times_only_and_full_ones_over_every_job() -> None:
    jobs = [job(0, 0.5, 1, 100), job(1, 0.6, 1, 100), job(2, 0.7, 1, 100)]
    got = starts(jobs, default_queue_depth=1, main_passes_s=(1.5, 4.0), full_passes_s=(4.0,))
    assert got == {0: 1.5, 1: 4.0, 2: 4.0}  # one job at the default depth, the rest in full


def test_a_logged_pass_that_came_with_nothing_queued_is_skipped_and_none_follow_the_last() -> None:
    jobs = [job(0, 0.5, 1, 100), job(1, 4.0, 1, 100), job(2, 7.0, 1, 100)]
    got = starts(jobs, main_passes_s=(1.5, 3.0, 6.0))
    # 2 comes after the last logged pass: only the backfill cycle (every 1000 s) starts it.
    assert got == {0: 1.5, 1: 6.0, 2: 1000.0}
