from aisc.core.scheduling.backfill import Reservation, ReservationPlanner, try_backfill
from aisc.core.scheduling.model import Job, parse_cluster
from aisc.core.scheduling.policies.fifo import Fifo
from aisc.core.scheduling.policy import PolicyOptions
from aisc.core.simulation.engine import Simulator


def running(
    sim: Simulator, planner: ReservationPlanner, gpus: int, work: float, **kw: object
) -> Job:
    job = Job(0, sim.now, gpus, work, **kw)  # type: ignore[arg-type]
    sim.record.add_job(job)
    sim.pending += 1
    assert sim.start(job)
    planner.add(job)
    return job


def simulator(cluster: str) -> Simulator:
    spec = parse_cluster(cluster)
    return Simulator(spec, Fifo(spec, PolicyOptions()))


def test_a_one_node_job_is_reserved_the_best_fitting_node_that_frees_first() -> None:
    sim, planner = simulator("h800=2x8"), ReservationPlanner()
    running(sim, planner, 6, 100.0)  # n? : 2 free, frees 6 at 100
    running(sim, planner, 8, 50.0)  # the other node, frees 8 at 50
    wide = Job(9, 0.0, 4, 10.0)
    reservation = planner.reserve(wide, sim.cluster)
    assert reservation is not None
    assert reservation.shadow == 50.0
    assert reservation.exclude == {0: set(reservation.nodes)}


def test_the_reservation_takes_the_group_that_frees_soonest() -> None:
    sim, planner = simulator("h800=1x8,a100=1x8"), ReservationPlanner()
    planner_jobs = [running(sim, planner, 8, 100.0), running(sim, planner, 8, 40.0)]
    assert [j.placement[0] for j in planner_jobs] == [0, 1]
    reservation = planner.reserve(Job(9, 0.0, 8, 1.0), sim.cluster)
    assert reservation is not None
    assert (reservation.group, reservation.shadow) == (1, 40.0)
    planner.remove(planner_jobs[1])
    reservation = planner.reserve(Job(9, 0.0, 8, 1.0), sim.cluster)
    assert reservation is not None
    assert (reservation.group, reservation.shadow) == (0, 100.0)


def test_no_reservation_exists_where_no_running_job_will_free_a_node() -> None:
    sim, planner = simulator("h800=2x8"), ReservationPlanner()
    assert planner.reserve(Job(9, 0.0, 4, 1.0), sim.cluster) is None
    assert planner.reserve(Job(9, 0.0, 16, 1.0), sim.cluster) is None


def test_a_failed_backfill_shape_skips_longer_jobs_of_the_same_shape() -> None:
    sim, planner = simulator("h800=1x8"), ReservationPlanner()
    running(sim, planner, 6, 100.0)
    blocked = Job(9, 0.0, 8, 10.0)
    reservation = planner.reserve(blocked, sim.cluster)
    assert reservation == Reservation(blocked, 100.0, 0, frozenset({0}))
    failed: dict[tuple[int, int], float] = {}
    long_job = Job(10, 0.0, 2, 500.0)
    sim.record.add_job(long_job)
    assert not try_backfill(long_job, sim, reservation, failed)
    assert list(failed.values()) == [500.0]
    longer = Job(11, 0.0, 2, 900.0)
    assert not try_backfill(longer, sim, reservation, failed)
    short = Job(12, 0.0, 2, 50.0)
    sim.record.add_job(short)
    sim.pending += 1
    assert try_backfill(short, sim, reservation, failed)


def test_the_shadow_walks_on_until_one_node_has_room_enough() -> None:
    sim, planner = simulator("h800=1x8"), ReservationPlanner()
    running(sim, planner, 2, 10.0)
    running(sim, planner, 2, 20.0)
    running(sim, planner, 4, 30.0)
    reservation = planner.reserve(Job(9, 0.0, 5, 1.0), sim.cluster)
    assert reservation is not None
    assert reservation.shadow == 30.0
