from dataclasses import replace

import numpy as np
import pytest

from aisc.adapters.solvers.highs import HighsSolver
from aisc.core.errors import RuleViolation
from aisc.core.scheduling.timeshare import (
    LinearProgram,
    agnostic_max_min,
    check_solution,
    fifo_allocation,
    perf_max_min,
)

# Two chip types, V100 then K80: job 0 gains 10x on the V100, job 1 almost nothing.
SPEEDS = np.array([[10.0, 1.0], [1.0, 0.9]])
ONE_EACH = np.array([1, 1])


def fifo(speeds: np.ndarray, gangs: list[int], room: list[int], **kw: object) -> dict[int, int]:
    keep = kw.pop("keep", {})
    return fifo_allocation(
        speeds,
        np.array(gangs),
        np.array(room),
        perf=bool(kw.pop("perf", False)),
        keep=keep,  # type: ignore[arg-type]
        choose=np.random.default_rng(0),
    )


def test_fifo_perf_gives_each_job_in_arrival_order_its_fastest_type_with_room() -> None:
    assert fifo(SPEEDS[::-1], [1, 1], [1, 1], perf=True) == {0: 0, 1: 1}
    # The first job took the V100 although the second gains more there: arrival order rules.


def test_fifo_blocks_at_the_first_job_that_fits_nowhere() -> None:
    speeds = np.ones((3, 2))
    assert fifo(speeds, [1, 4, 1], [1, 1], perf=True) == {0: 0}
    assert fifo(speeds, [1, 4, 1], [1, 1]).keys() == {0}


def test_agnostic_fifo_keeps_a_placed_job_where_it_is_and_perf_moves_it() -> None:
    speeds = np.array([[10.0, 1.0]])
    assert fifo(speeds, [1], [1, 1], keep={0: 1}) == {0: 1}
    assert fifo(speeds, [1], [1, 1], keep={0: 1}, perf=True) == {0: 0}


def test_fifo_never_places_a_job_on_a_type_that_cannot_run_it() -> None:
    assert fifo(np.array([[0.0, 2.0]]), [1], [1, 1]) == {0: 1}


def test_agnostic_max_min_shares_the_gpus_equally_and_splits_by_type_size() -> None:
    # Three 1-GPU jobs and one 8-GPU job on 4 + 2 GPUs: the water level L solves
    # 3 min(1, L) + min(8, L) = 6, so L = 3: the small jobs run all the time, the big one 3/8.
    table = agnostic_max_min(np.array([1, 1, 1, 8]), np.array([4, 2]))
    assert table.sum(axis=1).tolist() == pytest.approx([1, 1, 1, 3 / 8])
    assert table[3].tolist() == pytest.approx([3 / 8 * 4 / 6, 3 / 8 * 2 / 6])
    # Overloaded: six 1-GPU jobs on 3 GPUs each get half the time.
    crowded = agnostic_max_min(np.ones(6, np.int64), np.array([2, 1]))
    assert crowded.sum(axis=1).tolist() == pytest.approx([0.5] * 6)


def test_agnostic_max_min_gives_every_job_all_of_its_time_when_all_fit() -> None:
    table = agnostic_max_min(np.array([1, 2]), np.array([2, 2]))
    assert table.sum(axis=1).tolist() == pytest.approx([1, 1])


def test_perf_max_min_never_leaves_a_job_below_its_isolated_throughput() -> None:
    # Normalised by the agnostic (isolated) share, half of each type, both jobs reach exactly
    # 1: trading the V100 to the job that gains 10x would drop the other below its share.
    table = perf_max_min(SPEEDS, ONE_EACH, np.array([1, 1]), HighsSolver())
    isolated = (SPEEDS * 0.5).sum(axis=1)
    assert ((SPEEDS * table).sum(axis=1) / isolated).tolist() == pytest.approx([1, 1], rel=1e-4)


def test_perf_max_min_equalises_normalised_throughput_when_jobs_outnumber_gpus() -> None:
    speeds = np.array([[10.0, 1.0], [10.0, 1.0], [1.0, 0.9]])
    table = perf_max_min(speeds, np.ones(3, np.int64), np.array([1, 1]), HighsSolver())
    isolated = (speeds * agnostic_max_min(np.ones(3, np.int64), np.array([1, 1]))).sum(axis=1)
    normalised = (speeds * table).sum(axis=1) / isolated
    assert normalised.min() == pytest.approx(normalised.max(), rel=1e-4)
    assert table.sum(axis=0).max() <= 1 + 1e-6  # no type over its GPUs


def test_perf_max_min_never_uses_a_type_the_job_cannot_run_on() -> None:
    speeds = np.array([[0.0, 1.0], [2.0, 1.0]])
    table = perf_max_min(speeds, ONE_EACH, np.array([1, 1]), HighsSolver())
    assert table[0, 0] == 0.0


def _tiny() -> LinearProgram:
    # minimise -x subject to x <= 2, 0 <= x <= 5
    return LinearProgram(
        np.array([-1.0]),
        np.array([0]),
        np.array([0]),
        np.array([1.0]),
        np.array([2.0]),
        np.array([0.0]),
        np.array([5.0]),
    )


def test_check_solution_accepts_a_feasible_point_and_names_what_breaks() -> None:
    check_solution(_tiny(), np.array([2.0]))
    with pytest.raises(RuleViolation, match="constraints"):
        check_solution(_tiny(), np.array([3.0]))
    with pytest.raises(RuleViolation, match="constraints"):
        check_solution(_tiny(), np.array([-1.0]))
    with pytest.raises(RuleViolation, match="bounds"):
        check_solution(
            replace(_tiny(), bound=np.array([9.0]), upper=np.array([1.0])), np.array([2.0])
        )
