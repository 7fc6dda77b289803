import numpy as np
import pytest

from aisc.adapters.solvers.highs import HighsSolver
from aisc.core.errors import RuleViolation
from aisc.core.scheduling.model import Job, parse_cluster
from aisc.core.scheduling.policies import make_policy
from aisc.core.scheduling.policies.gavel import _work_left
from aisc.core.scheduling.policy import PolicyOptions
from aisc.core.scheduling.timeshare import perf_srsf
from aisc.core.simulation.run import simulate
from aisc.core.simulation.traces.base import TraceBuilder

# Two chip types, V100 then K80: job 0 gains 10x on the V100, job 1 almost nothing.
SPEEDS = np.array([[10.0, 1.0], [1.0, 0.9]])
ONE_EACH = np.array([1, 1])


def allocate(
    speeds: np.ndarray, gangs: list[int], left: list[float], room: list[int]
) -> list[list[float]]:
    table = perf_srsf(speeds, np.array(gangs), np.array(left), np.array(room), HighsSolver())
    rounded: list[list[float]] = np.round(table, 6).tolist()
    return rounded


def test_each_type_goes_to_the_job_it_finishes_soonest() -> None:
    # Same work left: the V100 finishes job 0 ten times sooner than the K80 would, job 1 barely
    # sooner, so job 0 takes the V100 and job 1 the K80.
    assert allocate(SPEEDS, [1, 1], [1000.0, 1000.0], [1, 1]) == [[1.0, 0.0], [0.0, 1.0]]


def test_the_job_with_least_work_left_comes_first() -> None:
    speeds = np.array([[1.0], [1.0]])
    assert allocate(speeds, [1, 1], [1000.0, 100.0], [1]) == [[0.0], [1.0]]


def test_a_gang_comes_after_single_gpu_jobs_with_less_gpu_time_left() -> None:
    # The gang has 300 s left on 2 GPUs (600 GPU-seconds), the others 400 and 450 s on one.
    speeds = np.array([[1.0], [1.0], [1.0]])
    assert allocate(speeds, [2, 1, 1], [300.0, 400.0, 450.0], [2]) == [[0.0], [1.0], [1.0]]


def test_no_job_gets_a_type_it_cannot_run_on() -> None:
    speeds = np.array([[0.0, 1.0], [2.0, 1.0]])
    table = allocate(speeds, [1, 1], [10.0, 1000.0], [1, 1])
    assert table[0][0] == 0.0
    assert table[0][1] == 1.0


def test_work_left_counts_what_a_running_job_did_since_it_started() -> None:
    job = Job(0, 0.0, 1, 1000.0)
    assert _work_left(job, 500.0, running=False) == 1000.0
    job.run_since, job.run_speed, job.restart_left = 100.0, 2.0, 50.0
    assert _work_left(job, 400.0, running=True) == 1000.0 - (400.0 - 100.0 - 50.0) * 2.0
    assert _work_left(job, 120.0, running=True) == 1000.0  # still restoring: no work yet
    assert _work_left(job, 1000.0, running=True) == pytest.approx(1e-9)  # never 0


def test_srsf_perf_without_a_solver_is_refused_by_name() -> None:
    with pytest.raises(RuleViolation, match="srsf-perf solves a linear program"):
        make_policy("srsf-perf", parse_cluster("v100=1x1"))


def test_srsf_perf_passes_a_long_job_with_short_ones_where_las_perf_shares() -> None:
    # One V100; a long job runs from 0 and three short ones arrive at 100 s. LAS-perf shares
    # the GPU between all four; SRSF gives it to the short ones first, each in turn, and the
    # long one gets what they leave: a lower mean JCT, every job still ends.
    builder = TraceBuilder("t")
    builder.add(1, 0.0, 1, 20_000.0, speeds={"v100": 1.0})
    for line in (2, 3, 4):
        builder.add(line, 100.0, 1, 1000.0 * line, speeds={"v100": 1.0})
    trace, cluster = builder.build(), parse_cluster("v100=1x1")
    options = PolicyOptions(lp_solver=HighsSolver())
    mean = {}
    for policy in ("srsf-perf", "gavel-las-perf"):
        result = simulate(trace, cluster, policy, options)
        cols = result.record.columns()
        assert (cols["end"] > 0).all()
        mean[policy] = float((cols["end"] - cols["submit"]).mean())
        if policy == "srsf-perf":
            assert cols["end"][1] < cols["end"][2] < cols["end"][3] < cols["end"][0]
    assert mean["srsf-perf"] < mean["gavel-las-perf"]
