import random
from dataclasses import replace

import numpy as np
import pytest

from aisc.adapters.solvers.ecos import EcosSolver
from aisc.adapters.solvers.highs import HighsSolver
from aisc.adapters.solvers.highs_ipm import HighsIpmSolver
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


def fifo(
    speeds: np.ndarray,
    gangs: list[int],
    room: list[int],
    *,
    perf: bool = False,
    previous: dict[int, int] | None = None,
    arrivals: list[int] | None = None,
    names: tuple[str, ...] = ("v100", "k80"),
    seed: int = 0,
) -> dict[int, int]:
    return fifo_allocation(
        speeds,
        np.array(gangs),
        np.array(room),
        perf=perf,
        arrivals=list(range(len(gangs))) if arrivals is None else arrivals,
        previous={} if previous is None else previous,
        names=names,
        choose=random.Random(seed),
    )


def test_fifo_perf_gives_each_job_in_arrival_order_its_fastest_type_with_room() -> None:
    assert fifo(SPEEDS[::-1], [1, 1], [1, 1], perf=True) == {0: 0, 1: 1}
    # The first job took the V100 although the second gains more there: arrival order rules.


def test_fifo_perf_takes_the_first_in_name_order_of_equally_fast_types() -> None:
    assert fifo(np.ones((1, 2)), [1], [1, 1], perf=True) == {0: 1}  # k80 sorts before v100


def test_fifo_blocks_at_the_first_job_that_fits_nowhere() -> None:
    speeds = np.ones((3, 2))
    assert fifo(speeds, [1, 4, 1], [1, 1], perf=True) == {0: 1}
    assert fifo(speeds, [1, 4, 1], [1, 1]).keys() == {0}


def test_gavels_agnostic_fifo_puts_jobs_on_the_last_type_by_name_even_past_its_room() -> None:
    # As Gavel's code does it: a random index is drawn but the type is the scan's last free
    # one (v100 of k80 / v100), whether the gang fits there or not. One V100 and two K80s:
    # the 2-GPU job fits only the K80s, yet it and every job behind it go to the V100.
    for seed in range(8):
        assert fifo(np.ones((3, 2)), [2, 1, 1], [1, 2], seed=seed) == {0: 0, 1: 0, 2: 0}


def test_gavels_agnostic_fifo_drops_a_random_type_when_the_chosen_one_fills_exactly() -> None:
    # Two GPUs of each type: jobs 0 and 1 fill the V100s exactly, and the type that leaves
    # the free list is the random one. If it is the K80, job 2 fits nowhere left and blocks;
    # if it is the V100, the K80 is now the last type and job 2 goes there.
    outcomes = {
        tuple(sorted(fifo(np.ones((4, 2)), [1, 1, 1, 2], [2, 2], seed=s).items()))
        for s in range(16)
    }
    assert outcomes == {((0, 0), (1, 0)), ((0, 0), (1, 0), (2, 1))}


def test_agnostic_fifo_hands_an_ended_jobs_type_to_the_head_of_the_queue() -> None:
    # Job 0 held the K80 (column 1) and ended; job 1 waits; job 2 still runs on the V100.
    speeds = np.ones((2, 2))
    placed = fifo(speeds, [1, 1], [1, 1], previous={0: 1, 2: 0}, arrivals=[1, 2])
    assert placed == {1: 1, 2: 0}


def test_the_hand_off_counts_only_the_jobs_before_the_ended_one_as_gavel_does() -> None:
    # One V100 is held by job 5 (still running); job 0 ended on the V100; job 1 waits. At
    # job 0's turn nothing before it is counted, so job 1 gets the V100 beside job 5.
    speeds = np.ones((2, 2))
    placed = fifo(speeds, [1, 1], [1, 0], previous={0: 0, 5: 0}, arrivals=[1, 5])
    assert placed == {1: 0, 5: 0}


def test_the_hand_off_skips_a_head_that_does_not_fit_or_cannot_run_there() -> None:
    wide = fifo(np.ones((1, 2)), [2], [1, 1], previous={0: 0}, arrivals=[1])
    assert wide == {}
    cannot = fifo(np.array([[0.0, 1.0]]), [1], [1, 0], previous={0: 0}, arrivals=[1])
    assert cannot == {}


def test_agnostic_fifo_keeps_a_placed_job_where_it_is_and_perf_moves_it() -> None:
    speeds = np.array([[10.0, 1.0]])
    assert fifo(speeds, [1], [1, 1], previous={0: 1}) == {0: 1}
    assert fifo(speeds, [1], [1, 1], previous={0: 1}, perf=True) == {0: 0}


def test_fifo_passes_over_a_job_no_free_type_can_run() -> None:
    # Gavel checks the throughput only after choosing: with only the K80 free and the job
    # unable to run there (as Gavel's ResNet-50 gangs on K80), it is left for the next pass
    # and the one behind it is placed.
    speeds = np.array([[1.0, 0.0], [1.0, 1.0]])
    assert fifo(speeds, [1, 1], [0, 1]) == {1: 1}
    assert fifo(np.array([[0.0, 0.0]]), [1], [0, 1], perf=True) == {}


def test_agnostic_fifo_puts_a_job_that_cannot_run_on_the_last_type_on_one_it_can() -> None:
    # The V100 (last by name) cannot run it, the K80 can and has room: without this a type
    # that never fills (reserved for another project, or a chip the job does not use) would
    # keep the job waiting forever. Gavel's own throughputs never reach this case.
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


def test_perf_max_min_never_leaves_a_job_below_its_proportional_throughput() -> None:
    # Normalised by Gavel's proportional share, half of each type here, both jobs reach exactly
    # 1: trading the V100 to the job that gains 10x would drop the other below its share.
    table = perf_max_min(SPEEDS, ONE_EACH, np.array([1, 1]), HighsSolver())
    proportional = (SPEEDS * 0.5).sum(axis=1)
    assert ((SPEEDS * table).sum(axis=1) / proportional).tolist() == pytest.approx([1, 1], rel=1e-4)


def test_perf_max_min_equalises_normalised_throughput_when_jobs_outnumber_gpus() -> None:
    speeds = np.array([[10.0, 1.0], [10.0, 1.0], [1.0, 0.9]])
    table = perf_max_min(speeds, np.ones(3, np.int64), np.array([1, 1]), HighsSolver())
    proportional = speeds @ np.array([0.5, 0.5])  # each type's share of the GPUs
    normalised = (speeds * table).sum(axis=1) / proportional
    assert normalised.min() == pytest.approx(normalised.max(), rel=1e-4)
    assert table.sum(axis=0).max() <= 1 + 1e-6  # no type over its GPUs


def test_perf_max_min_gives_a_wide_gang_the_gpu_share_of_a_narrow_job() -> None:
    # Gavel's objective counts scale_factor x throughput / proportional throughput, and the
    # proportional share does not depend on the gang: a 4-GPU job crowded on 4 + 4 GPUs with
    # eight 1-GPU jobs of the same speeds gets the same GPU share (time x gang) as each of
    # them, 8 / 9. Normalising by the agnostic allocation instead (as an earlier Gavel version
    # did) weights the gang by its square: it would get a quarter of a narrow job's share.
    speeds = np.ones((9, 2))
    gangs = np.array([4] + [1] * 8)
    table = perf_max_min(speeds, gangs, np.array([4, 4]), HighsSolver())
    gpu_share = table.sum(axis=1) * gangs
    assert gpu_share.tolist() == pytest.approx([8 / 9] * 9, rel=1e-4)


def test_perf_max_min_never_uses_a_type_the_job_cannot_run_on() -> None:
    speeds = np.array([[0.0, 1.0], [2.0, 1.0]])
    table = perf_max_min(speeds, ONE_EACH, np.array([1, 1]), HighsSolver())
    assert table[0, 0] == 0.0


def test_with_an_interior_solver_las_takes_the_middle_of_gavels_optimal_face() -> None:
    # Gavel's LP fixes only the minimum: the 1-GPU jobs cap it at 1 GPU, so each runs all the
    # time, and the 8-GPU job may get anything from 1 GPU (the minimum) to 3 (all the rest, the
    # water-filling point). ECOS, as in Gavel, returns a point strictly inside, and leaves
    # GPUs unallocated, which the rounds' work-conserving pass then hands out.
    gangs, room = np.array([1, 1, 1, 8]), np.array([4, 2])
    table = agnostic_max_min(gangs, room, EcosSolver())
    assert table[:3].sum(axis=1).tolist() == pytest.approx([1, 1, 1], abs=1e-6)
    big = 8 * table[3].sum()
    assert 1.5 < big < 2.5
    used = (table * gangs[:, None]).sum(axis=0)
    assert (used <= room + 1e-6).all()
    assert used.sum() < 5.5
    # Where every GPU is needed the share is unique, and the split the symmetric one.
    crowded = agnostic_max_min(np.ones(6, np.int64), np.array([2, 1]), EcosSolver())
    assert crowded.ravel().tolist() == pytest.approx([1 / 3, 1 / 6] * 6, abs=1e-6)


def test_with_an_interior_solver_las_perf_solves_gavels_lp_once_and_keeps_its_point() -> None:
    speeds = np.array([[10.0, 1.0], [10.0, 1.0], [1.0, 0.9]])
    gangs, room = np.ones(3, np.int64), np.array([1, 1])
    ecos = EcosSolver()
    table = perf_max_min(speeds, gangs, room, ecos)
    assert ecos.solves == 1  # the proportional share needs no LP
    proportional = speeds @ np.array([0.5, 0.5])
    normalised = (speeds * table).sum(axis=1) / proportional
    vertex = perf_max_min(speeds, gangs, room, HighsSolver())
    best = ((speeds * vertex).sum(axis=1) / proportional).min()
    assert normalised.min() == pytest.approx(best, rel=1e-5)  # the same optimum ...
    assert (table > 1e-3).sum() > (vertex > 1e-3).sum()  # ... at another, inner point
    assert (table.sum(axis=0) <= room + 1e-6).all()


def test_where_the_optima_form_a_segment_the_default_solver_takes_its_middle() -> None:
    # Two 1-GPU jobs of equal speeds on one V100 and one K80: every optimum runs each job all
    # the time, job 0 a share a of it on the V100 and job 1 the rest (1 - a), for any a in
    # [0, 1]. Gavel's ECOS returns the middle, a = 1/2, and so does HiGHS's interior-point
    # method without crossover (a vertex would be a = 0 or 1: one job on the fast type).
    speeds = np.array([[2.0, 1.0], [2.0, 1.0]])
    gangs, room = ONE_EACH, ONE_EACH
    middle = [0.5] * 4
    interior = perf_max_min(speeds, gangs, room, HighsIpmSolver())
    assert interior.ravel().tolist() == pytest.approx(middle, abs=1e-6)
    ecos = perf_max_min(speeds, gangs, room, EcosSolver())
    assert ecos.ravel().tolist() == pytest.approx(middle, abs=1e-6)
    las = agnostic_max_min(gangs, room, HighsIpmSolver())
    assert las.ravel().tolist() == pytest.approx(middle, abs=1e-6)


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
