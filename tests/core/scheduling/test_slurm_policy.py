"""The `slurm` policy: Slurm's main loop and backfill cycle, worked through by hand."""

from typing import Any

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.model import ClusterSpec, Job, NodeGroup, parse_cluster
from aisc.core.scheduling.placement import ClusterState
from aisc.core.scheduling.policies.slurm import Slurm
from aisc.core.scheduling.policy import PolicyOptions
from aisc.core.simulation.engine import Simulator

# Cycles every 10 s (main loop every 60 s), a one-second map, priorities every 300 s.
QUICK: dict[str, Any] = {"bf_interval_s": 10.0, "bf_resolution_s": 1.0, "sched_interval_s": 60.0}


def starts(cluster: ClusterSpec, jobs: list[Job], **options: Any) -> dict[int, float]:
    sim = Simulator(cluster, Slurm(cluster, PolicyOptions(**options)))
    for job in jobs:
        sim.submit(job)
    sim.run()
    return {job.id: job.first_start for job in jobs}


def job(
    id: int, submit: float, gpus: int, limit: float, run: float | None = None, **kw: Any
) -> Job:
    return Job(id, submit, gpus, limit if run is None else run, time_limit=limit, **kw)


def test_backfill_starts_jobs_only_off_the_whole_nodes_reserved_for_earlier_ones() -> None:
    jobs = [
        job(0, 0, 6, 100),  # node 0 until 100
        job(1, 0, 6, 50),  # node 1 until 50
        job(2, 1, 8, 10),  # blocked: reserved node 1 over [50, 60]
        job(3, 2, 2, 200),  # backfills at 10 on node 0, away from the reservation
        job(4, 3, 1, 30),  # backfills at 10 on node 1: it ends at 40, before the reservation
        job(5, 4, 1, 100),  # would run into [50, 60] on node 1: reserved from 60 instead
    ]
    got = starts(parse_cluster("h800=2x8"), jobs, **QUICK)
    assert got == {0: 0.0, 1: 0.0, 2: 50.0, 3: 10.0, 4: 10.0, 5: 60.0}


def test_a_one_gpu_reservation_keeps_the_rest_of_its_node_from_backfill() -> None:
    jobs = [
        job(0, 0, 7, 100),  # node 0: one GPU free
        job(1, 1, 2, 10),  # blocked, reserved on node 0 at 100
        job(2, 2, 1, 200),  # the free GPU is on a node reserved from 100: it waits
    ]
    got = starts(parse_cluster("h800=1x8"), jobs, **QUICK)
    assert got == {0: 0.0, 1: 100.0, 2: 100.0}  # both start in the main loop once 0 ends


def test_whole_node_gangs_reserve_whole_nodes_and_a_later_gang_plans_past_them() -> None:
    jobs = [
        job(0, 0, 8, 100),  # node 0 until 100
        job(1, 1, 16, 10),  # both nodes, reserved over [100, 110]
        job(2, 2, 8, 50),  # node 1 now, ends at 60 before the reservation
        job(3, 3, 8, 95),  # crosses the reservation on every node: planned from 110
        job(4, 3, 4, 5),  # nothing free until 60; then it ends before the reservation
    ]
    got = starts(parse_cluster("h800=2x8"), jobs, **QUICK)
    assert got == {0: 0.0, 1: 100.0, 2: 10.0, 3: 110.0, 4: 60.0}


def test_a_gang_waits_for_nodes_to_become_whole_not_merely_less_busy() -> None:
    jobs = [
        job(0, 0, 4, 30),
        job(1, 0, 4, 80),  # node 0 whole only at 80
        job(2, 0, 8, 60),  # node 1 whole at 60
        job(3, 1, 16, 10),  # needs both: 80
        job(4, 2, 1, 15),  # fits on node 0 from 30 without touching [80, 90]
    ]
    got = starts(parse_cluster("h800=2x8"), jobs, **QUICK)
    assert got[3] == 80.0
    assert got[4] == 30.0


def test_a_job_that_could_start_only_past_bf_window_gets_no_reservation() -> None:
    def jobs() -> list[Job]:
        return [
            job(0, 0, 8, 500),
            job(1, 1, 16, 10),  # could start at 500: beyond a 60 s window, nothing is reserved
            job(2, 2, 8, 1000),  # so this one starts at once, though it delays job 1
        ]

    got = starts(parse_cluster("h800=2x8"), jobs(), **QUICK, bf_window_s=60.0)
    assert got == {0: 0.0, 1: 1010.0, 2: 10.0}
    got = starts(parse_cluster("h800=2x8"), jobs(), **QUICK)  # a day's window: job 1 is held
    assert got == {0: 0.0, 1: 500.0, 2: 510.0}


def test_a_gang_free_now_on_unreserved_nodes_backfills_at_once() -> None:
    jobs = [job(0, 0, 8, 100), job(1, 1, 24, 10), job(2, 2, 16, 50)]
    got = starts(parse_cluster("h800=3x8"), jobs, **QUICK, weight_jobsize=0.0)
    assert got == {0: 0.0, 1: 100.0, 2: 10.0}


def test_a_gang_whose_nodes_are_all_reserved_is_planned_after_the_reservation() -> None:
    jobs = [job(0, 0, 8, 100), job(1, 0, 8, 40), job(2, 1, 16, 10), job(3, 2, 16, 10)]
    got = starts(parse_cluster("h800=2x8"), jobs, **QUICK)
    assert got == {0: 0.0, 1: 0.0, 2: 100.0, 3: 110.0}


def test_an_event_tests_default_queue_depth_jobs_and_the_periodic_loop_all_of_them() -> None:
    jobs = [job(0, 0, 8, 20), job(1, 1, 1, 50), job(2, 1, 1, 5)]
    options = dict(QUICK, default_queue_depth=1, bf_interval_s=1000.0)
    got = starts(parse_cluster("h800=1x8"), jobs, **options)
    # At 20 the end of job 0 lets the main loop test one job; the next full loop is at 60.
    assert got == {0: 0.0, 1: 20.0, 2: 60.0}


def two_partitions() -> ClusterSpec:
    return ClusterSpec((NodeGroup("h800", 1, 8, "a"), NodeGroup("br104", 1, 8, "b")))


def test_a_pending_job_blocks_its_own_partition_only() -> None:
    jobs = [
        job(0, 0, 8, 100, chip="h800"),
        job(1, 1, 1, 10, chip="h800"),  # blocks partition a
        job(2, 1, 1, 10, chip="h800"),  # skipped: a is blocked
        job(3, 1, 1, 10, chip="br104"),  # partition b still schedules
    ]
    got = starts(two_partitions(), jobs, **dict(QUICK, bf_interval_s=1000.0))
    assert got == {0: 0.0, 1: 100.0, 2: 100.0, 3: 1.0}


def test_jobs_started_by_both_loops_at_one_point_leave_the_queue_once_each() -> None:
    jobs = [
        job(0, 0, 6, 100, chip="h800"),
        job(1, 10, 4, 10, chip="h800"),  # blocks partition a; reserved from 100
        job(2, 10, 1, 50, chip="h800"),  # the backfill cycle at 10 starts it, ahead of job 1
        job(3, 10, 2, 10, chip="br104"),  # the main loop at 10 starts it, behind job 2
    ]
    cluster = two_partitions()
    sim = Simulator(cluster, Slurm(cluster, PolicyOptions(**QUICK, weight_jobsize=0.0)))
    for each in jobs:  # queue order 1, 2, 3: equal priorities, submitted together
        sim.submit(each)
    sim.run()
    assert [j.first_start for j in jobs] == [0.0, 100.0, 10.0, 10.0]
    assert [j.end for j in jobs] == [100.0, 110.0, 60.0, 20.0]
    assert sim.record.ended == 4  # each ran once: job 3 did not start again from the queue


@pytest.mark.parametrize(("a_ends", "b_ends", "chip"), [(100, 40, "br104"), (40, 100, "h800")])
def test_a_job_either_partition_can_run_takes_the_one_that_frees_first(
    a_ends: float, b_ends: float, chip: str
) -> None:
    jobs = [
        job(0, 0, 8, a_ends, chip="h800"),
        job(1, 0, 8, b_ends, chip="br104"),
        job(2, 1, 8, 10),  # both groups busy: planned where one frees at 40
        job(3, 2, 4, 10, chip=chip),  # that group is reserved from 40: it waits for job 2
    ]
    got = starts(two_partitions(), jobs, **QUICK)
    assert got[2] == 40.0
    assert got[3] == 50.0


def test_the_partition_factor_weighs_the_first_partition_a_job_may_use() -> None:
    spec = two_partitions()
    options = PolicyOptions(
        weight_partition=1000.0, partition_factor={"a": 10.0, "b": 5.0}, weight_jobsize=0.0
    )
    calculator = Slurm(spec, options).calculator
    cluster = ClusterState(spec)
    on_b = job(0, 0, 1, 10, chip="br104")
    cluster.eligible(on_b)
    assert calculator.static_part(on_b) == 500.0
    assert calculator.static_part(job(1, 0, 1, 10)) == 0.0  # groups not known yet


def test_cycles_tick_from_slurmctlds_start_on_the_wall_clock() -> None:
    jobs = [job(0, 0, 8, 10), job(1, 1, 8, 10), job(2, 2, 4, 3, run=3)]
    # A map of 60 s steps: job 1 is reserved from floor(10) = 0 to floor(20) = 0 on the wall
    # grid shifted by epoch 55 s, i.e. from -55 to 5 in simulation time: over by the time the
    # backfill cycle (every 10 s from slurmctld's start at wall second 58, i.e. sim 3) runs.
    options = dict(QUICK, bf_resolution_s=60.0, epoch_s=55.0, cycle_origin_s=58.0)
    got = starts(parse_cluster("h800=1x8"), jobs, **options)
    assert got[1] == 10.0
    assert got[2] == 20.0


def test_priorities_are_whole_numbers_so_near_ties_go_in_submission_order() -> None:
    cluster = ClusterSpec((NodeGroup("h800", 1, 8),), shares={"p": 1.0, "q": 1.0})
    jobs = [
        job(0, 0, 8, 60, project="p"),
        job(1, 1, 8, 10, project="q"),
        job(2, 2, 8, 10, project="p"),
    ]
    # Fair share 0.001: q's factor tops p's by less than one unit.
    got = starts(cluster, jobs, **QUICK, weight_fairshare=0.001, weight_age=0.0)
    assert got == {0: 0.0, 1: 60.0, 2: 70.0}


def test_an_account_with_a_share_gets_its_factor_before_its_first_job() -> None:
    jobs = [
        job(0, 0, 8, 18, project="p"),  # the node until 18; p has all the usage at 10
        job(1, 12, 8, 10, project="p"),  # p's factor from the pass at 10: 2^(-1/0.5) = 0.25
        job(2, 14, 8, 10, project="q"),  # q had a share at 10, so its factor is 1: it goes first
    ]
    options = dict(QUICK, calc_period_s=10.0, weight_age=0.0)
    known = ClusterSpec((NodeGroup("h800", 1, 8),), shares={"p": 1.0, "q": 1.0})
    assert starts(known, jobs, **options) == {0: 0.0, 1: 28.0, 2: 18.0}


def test_an_account_without_a_share_has_no_factor_until_the_pass_after_its_first_job() -> None:
    jobs = [
        job(0, 0, 8, 18, project="p"),
        job(1, 12, 8, 10, project="p"),
        job(2, 14, 8, 10, project="q"),  # unknown at the pass at 10: factor 0 until 20
    ]
    options = dict(QUICK, calc_period_s=10.0, weight_age=0.0)
    assert starts(parse_cluster("h800=1x8"), jobs, **options) == {0: 0.0, 1: 18.0, 2: 28.0}


def four_jobs() -> list[Job]:
    return [
        job(0, 0, 8, 100),  # node 0 until 100
        job(1, 1, 16, 10),  # both nodes: reserved over [100, 110], two boundaries
        job(2, 2, 8, 200),  # must reserve from 110: a third and fourth boundary
        job(3, 3, 4, 50),  # fits now on node 1 and ends before 100
    ]


def test_a_full_backfill_map_ends_the_cycle_before_later_jobs_are_tested() -> None:
    cluster = parse_cluster("h800=2x8")
    assert starts(cluster, four_jobs(), **QUICK)[3] == 10.0  # the first cycle backfills it
    # Three records (now-100, 100-110, 110-) fill a map of 3: job 2 finds it full, the cycle
    # stops before job 3, and job 3 waits for the main loop once jobs 0 and 1 are done.
    got = starts(cluster, four_jobs(), **QUICK, bf_node_space_size=3)
    assert got == {0: 0.0, 1: 100.0, 2: 110.0, 3: 110.0}
    assert starts(cluster, four_jobs(), **QUICK, bf_node_space_size=4)[3] == 10.0


def test_a_job_that_cannot_start_inside_the_window_reserves_nothing() -> None:
    def jobs() -> list[Job]:
        return [
            job(0, 0, 4, 100),  # half the node until 100
            job(1, 1, 6, 10),  # fits only at 100
            job(2, 2, 2, 200),  # fits now, but would run into job 1's reservation
        ]

    cluster = parse_cluster("h800=1x8")
    # 100 lies past a 50 s window: job 1 gets no reservation, so job 2 backfills at 10.
    assert starts(cluster, jobs(), **QUICK, bf_window_s=50.0)[2] == 10.0
    assert starts(cluster, jobs(), **QUICK)[2] == 100.0  # reserved: job 2 waits with job 1


def test_a_gang_of_whole_nodes_plans_past_reservation_ends_until_enough_nodes_are_free() -> None:
    jobs = [
        job(0, 0, 8, 100),  # node 0 until 100
        job(1, 0, 8, 30),  # node 1 until 30
        job(2, 1, 16, 50),  # two nodes: reserved over [30, 80]
        job(3, 2, 24, 10),  # all three nodes: not before 100, past the reservation's end at 80
    ]
    got = starts(parse_cluster("h800=3x8"), jobs, **QUICK, weight_jobsize=0.0)
    assert got == {0: 0.0, 1: 0.0, 2: 30.0, 3: 100.0}


@pytest.mark.parametrize("size", [1, 2_000_001, True, 2.5])
def test_a_node_space_size_outside_slurms_range_is_refused(size: Any) -> None:
    with pytest.raises(RuleViolation, match="bf_node_space_size"):
        PolicyOptions(bf_node_space_size=size)


@pytest.mark.parametrize("name", ["bf_interval_s", "bf_resolution_s", "sched_interval_s"])
def test_a_cycle_of_zero_seconds_is_refused(name: str) -> None:
    zero: dict[str, Any] = {name: 0.0}
    with pytest.raises(RuleViolation, match=name):
        PolicyOptions(**zero)


def test_a_queue_depth_of_zero_is_refused() -> None:
    with pytest.raises(RuleViolation, match="default_queue_depth"):
        PolicyOptions(default_queue_depth=0)


def test_of_equally_good_nodes_a_job_goes_to_the_lowest_numbered_as_slurms_select_does() -> None:
    cluster = parse_cluster("br104=2x8")
    # Two rounds of jobs come and go on both nodes, then a one-GPU job finds both idle.
    jobs = [job(0, 0, 1, 10), job(1, 0, 8, 10), job(2, 10, 8, 10), job(3, 10, 8, 10)]
    jobs.append(job(4, 30, 1, 10))
    sim = Simulator(cluster, Slurm(cluster, PolicyOptions(**QUICK)))
    for j in jobs:
        sim.submit(j)
    sim.run()
    assert [j.placement for j in jobs] == [
        (0, ((1, 1),)),  # the eight-GPU job 1 ranks first and took node 0
        (0, ((0, 8),)),
        (0, ((0, 8),)),
        (0, ((1, 8),)),
        (0, ((0, 1),)),  # both idle: node 0 (a set of node numbers would iterate 1 first here)
    ]
    assert [g.lowest for g in sim.cluster.groups] == [True]
