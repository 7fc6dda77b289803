import numpy as np
import pytest

from aisc.adapters.solvers.highs import HighsSolver
from aisc.core.errors import RuleViolation
from aisc.core.scheduling.model import ClusterSpec, NodeGroup, parse_cluster
from aisc.core.scheduling.policies import make_policy
from aisc.core.scheduling.policies.gavel import GavelRounds
from aisc.core.scheduling.policy import PolicyOptions
from aisc.core.simulation.engine import Simulator
from aisc.core.simulation.records import Outcome
from aisc.core.simulation.run import SimulationResult, simulate
from aisc.core.simulation.traces.base import TraceBuilder

FAST_ON_V100 = {"v100": 10.0, "k80": 1.0}
NEARLY_EVEN = {"v100": 1.0, "k80": 0.9}
TWO_TYPES = "v100=1x1,k80=1x1"
GAVEL = ("gavel-fifo", "gavel-fifo-perf", "gavel-las", "gavel-las-perf")


def trace(rows: list[tuple[float, int, float, dict[str, float]]]) -> TraceBuilder:
    builder = TraceBuilder("t")
    for line, (submit, gpus, work, speeds) in enumerate(rows, start=1):
        builder.add(line, submit, gpus, work, speeds=speeds)
    return builder


def run(
    rows: list[tuple[float, int, float, dict[str, float]]],
    policy: str,
    cluster: str = TWO_TYPES,
    **options: object,
) -> SimulationResult:
    opts = PolicyOptions(lp_solver=HighsSolver(), **options)  # type: ignore[arg-type]
    return simulate(trace(rows).build(), parse_cluster(cluster), policy, opts)


@pytest.mark.parametrize("policy", GAVEL)
def test_every_gavel_policy_runs_each_job_to_its_end_once(policy: str) -> None:
    rows = [(float(i * 50), 1 + (i % 2), 2000.0, NEARLY_EVEN) for i in range(8)]
    result = run(rows, policy, "v100=2x1,k80=2x1")
    cols = result.record.columns()
    assert (cols["end"] > 0).all()
    assert result.summary["jobs"] == 8


def test_las_perf_finishes_the_job_that_gains_most_sooner_than_agnostic_las() -> None:
    rows = [
        (0.0, 1, 9000.0, NEARLY_EVEN),
        (0.0, 1, 9000.0, NEARLY_EVEN),
        (0.0, 1, 10_000.0, FAST_ON_V100),
    ]
    perf = run(rows, "gavel-las-perf").record.columns()
    agnostic = run(rows, "gavel-las", seed=1).record.columns()
    assert perf["end"][2] < agnostic["end"][2]


def test_fifo_perf_and_gavels_agnostic_fifo_both_give_the_first_job_the_v100() -> None:
    rows = [(0.0, 1, 1000.0, FAST_ON_V100), (0.0, 1, 1000.0, FAST_ON_V100)]
    perf = run(rows, "gavel-fifo-perf").record.columns()
    # The second starts on the K80 and moves to the V100 at the round after it frees (360 s):
    # FIFO-perf recomputes every job's type, 360 s at speed 1, then 640 steps at speed 10.
    assert perf["end"].tolist() == [100.0, 424.0]
    ends = {
        tuple(run(rows, "gavel-fifo", seed=seed).record.columns()["end"].tolist())
        for seed in range(8)
    }
    # Gavel's agnostic FIFO gives the first job the last type in name order (v100), never a
    # random one; the random draw only decides whether the K80 stays on offer to the second
    # (which then runs there) or the second waits for the V100 at the next allocation.
    assert ends == {(100.0, 1000.0), (100.0, 200.0)}


def test_an_arrival_waits_for_the_next_round() -> None:
    # A long job holds the V100; the second arrives at 10 s and starts at the round, 360 s.
    rows = [(0.0, 1, 100_000.0, NEARLY_EVEN), (10.0, 1, 100.0, NEARLY_EVEN)]
    cols = run(rows, "gavel-las").record.columns()
    assert cols["start"][1] == 360.0


def test_a_round_ends_early_when_every_job_in_it_has_ended() -> None:
    # Both jobs end at 100 s; the third, arrived at 50 s, starts then rather than at 360 s.
    rows = [
        (0.0, 1, 100.0, {"v100": 1.0, "k80": 1.0}),
        (0.0, 1, 100.0, {"v100": 1.0, "k80": 1.0}),
        (50.0, 1, 10.0, {"v100": 1.0, "k80": 1.0}),
    ]
    cols = run(rows, "gavel-las-perf").record.columns()
    assert cols["start"][2] == 100.0


def test_jobs_share_one_gpu_by_time_in_rounds_under_las() -> None:
    rows = [(0.0, 1, 3600.0, {"v100": 1.0}), (0.0, 1, 3600.0, {"v100": 1.0})]
    result = run(rows, "gavel-las", "v100=1x1", reset_interval_s=0.0)
    ends = sorted(result.record.columns()["end"].tolist())
    assert ends[0] > 3600.0  # neither runs alone to the end: they alternate
    assert result.summary["preemptions"] >= 2


def test_an_allocation_is_recomputed_only_after_the_reset_interval() -> None:
    # One job runs from 5 s; a second arrives at 10 s. With Gavel's 1,920 s interval the
    # rounds after it still use the allocation without it; FIFO skips a job of priority 0, so
    # it waits until the interval has passed since the reset at 5 s (the round at 2,165 s).
    rows = [(5.0, 1, 100_000.0, {"v100": 1.0}), (10.0, 1, 100.0, {"v100": 1.0, "k80": 1.0})]
    cols = run(rows, "gavel-fifo-perf").record.columns()
    assert cols["start"][1] == 2165.0
    quick = run(rows, "gavel-fifo-perf", reset_interval_s=0.0).record.columns()
    assert quick["start"][1] == 365.0


def test_while_the_last_reset_is_at_time_zero_every_round_may_reset_as_in_gavel() -> None:
    rows = [(0.0, 1, 100_000.0, {"v100": 1.0}), (10.0, 1, 100.0, {"v100": 1.0, "k80": 1.0})]
    cols = run(rows, "gavel-fifo-perf").record.columns()
    assert cols["start"][1] == 360.0


def test_under_las_a_job_without_allocation_uses_gpus_the_allocation_left_free() -> None:
    rows = [(0.0, 1, 100_000.0, {"v100": 1.0}), (10.0, 1, 100.0, {"v100": 1.0, "k80": 1.0})]
    cols = run(rows, "gavel-las").record.columns()
    assert cols["start"][1] == 360.0  # on the free K80 before its first allocation


def test_a_round_that_runs_nothing_waits_for_the_next_arrival_as_gavels_simulator() -> None:
    # The first job ends at 105 s; the second, arrived at 50 s, has no allocation yet and FIFO
    # runs no job of priority 0, so nothing runs. Gavel's simulator then jumps to the next
    # arrival (5,000 s), where the allocation may be recomputed (more than 1,920 s since 5 s).
    rows = [
        (5.0, 1, 100.0, {"v100": 1.0}),
        (50.0, 1, 10.0, {"v100": 1.0}),
        (5000.0, 1, 10.0, {"v100": 1.0}),
    ]
    cols = run(rows, "gavel-fifo", "v100=1x1").record.columns()
    assert list(cols["start"]) == [5.0, 5000.0, 5010.0]


def test_with_no_arrival_to_come_a_round_that_runs_nothing_forces_a_reset() -> None:
    # As Gavel's simulator on a trace whose jobs have all arrived: the last reset is set to
    # time 0, so the allocation is recomputed at once and the second job starts at 105 s.
    rows = [(5.0, 1, 100.0, {"v100": 1.0}), (50.0, 1, 10.0, {"v100": 1.0})]
    cols = run(rows, "gavel-fifo", "v100=1x1").record.columns()
    assert cols["start"][1] == 105.0


@pytest.mark.parametrize("policy", GAVEL)
def test_a_waiting_job_is_not_stranded_by_an_arrival_no_chip_can_run(policy: str) -> None:
    # The second job arrives after the first allocation and gets none; the only arrival still
    # to come needs an h800, which this cluster lacks, so the engine refuses it and the policy
    # never hears of it: woken at that arrival, the policy finds none left and forces a reset.
    builder = TraceBuilder("t")
    builder.add(1, 0.0, 1, 1.0, speeds={"a100": 1.0})
    builder.add(2, 2.0, 1, 10.0, speeds={"a100": 1.0})
    builder.add(3, 3.0, 1, 10.0, chip="h800")
    opts = PolicyOptions(lp_solver=HighsSolver())
    cols = simulate(builder.build(), parse_cluster("a100=1x4"), policy, opts).record.columns()
    assert [Outcome(int(o)) for o in cols["outcome"]] == [
        Outcome.DONE,
        Outcome.DONE,
        Outcome.UNSCHEDULABLE,
    ]
    assert cols["start"][1] == 3.0


@pytest.mark.parametrize("policy", GAVEL)
def test_a_round_with_no_job_left_still_resets_as_in_gavel(policy: str) -> None:
    # The first job ends at 2,000 s, ending its round: Gavel's round there resets with no job
    # (the reset at 0 does not hold the interval), so the job arriving at 2,100 s gets no
    # allocation before the next arrival at 5,000 s.
    rows = [
        (0.0, 1, 2000.0, {"v100": 1.0}),
        (2100.0, 1, 10.0, {"v100": 1.0}),
        (5000.0, 1, 10.0, {"v100": 1.0}),
    ]
    cols = run(rows, policy, "v100=1x1").record.columns()
    assert sorted(cols["start"]) == [0.0, 5000.0, 5010.0]  # the two at 5,000 s tie


def test_after_rounds_that_ran_nothing_the_idle_time_is_credited_as_in_gavel() -> None:
    # Gavel counts a round's time from the end of the last round that ran a job (100 s here,
    # where the first job ended); the second job waits from 1,000 s for the arrival at 3,000 s,
    # then runs the round 3,000-3,360 s and is credited 3,260 s on top of its half round.
    rows = [
        (0.0, 1, 100.0, {"v100": 1.0}),
        (1000.0, 1, 5000.0, {"v100": 1.0}),
        (3000.0, 1, 5000.0, {"v100": 1.0}),
    ]
    cluster = parse_cluster("v100=1x1")
    policy = make_policy("gavel-las", cluster, PolicyOptions())
    assert isinstance(policy, GavelRounds)
    sim = Simulator(cluster, policy, trace(rows).build())
    sim.advance(3000.0)
    assert sim.record.columns()["start"][1] == 3000.0
    sim.advance(3360.0)
    row = policy.slot[1]
    assert policy.time[row, 0] == pytest.approx(180.0 + 3260.0)


def test_las_perf_without_a_solver_is_refused_by_name() -> None:
    with pytest.raises(RuleViolation, match="gavel-las-perf solves a linear program"):
        make_policy("gavel-las-perf", parse_cluster(TWO_TYPES))


def test_a_wide_gang_waits_until_its_type_has_room() -> None:
    rows = [(0.0, 1, 1000.0, {"v100": 1.0}), (0.0, 2, 100.0, {"v100": 1.0})]
    cols = run(rows, "gavel-las", "v100=2x1").record.columns()
    assert (cols["end"] > 0).all()


def test_the_state_arrays_grow_and_reuse_rows_of_ended_jobs() -> None:
    rows = [(float(i), 1, 50.0, {"v100": 1.0}) for i in range(40)]
    spec = parse_cluster("v100=4x1")
    policy = make_policy("gavel-las", spec, PolicyOptions())
    assert isinstance(policy, GavelRounds)
    Simulator(spec, policy, trace(rows).build()).run()
    assert len(policy.gang) >= 32
    assert not policy.jobs
    assert policy.allocations > 0
    assert np.isfinite(policy.deficit).all()


@pytest.mark.parametrize("policy", GAVEL)
def test_a_job_whose_type_is_reserved_for_another_project_runs_on_a_type_it_may_use(
    policy: str,
) -> None:
    # The V100 node is reserved for p1; Gavel's allocation, counting GPUs per type, may put
    # the p2 job there. It must run on the K80 rather than leave the cluster idle forever.
    spec = ClusterSpec(
        (NodeGroup("v100", 1, 1, "dedicated", reserved_for="p1"), NodeGroup("k80", 1, 1))
    )
    builder = TraceBuilder("t")
    builder.add(1, 5.0, 1, 100.0, project="p2", speeds=FAST_ON_V100)
    builder.add(2, 5.0, 1, 100.0, project="p2", speeds=FAST_ON_V100)  # waits for the K80
    result = simulate(builder.build(), spec, policy, PolicyOptions(lp_solver=HighsSolver()))
    assert (result.record.columns()["end"] > 0).all()


@pytest.mark.parametrize("policy", GAVEL)
def test_a_gang_no_node_group_of_a_type_may_hold_runs_on_a_type_that_can(policy: str) -> None:
    # The H800 node is reserved for p1 and too narrow for the 16-GPU gang anyway; the A100s
    # hold it. Agnostic FIFO's last type by name is the H800: it must not wait there forever.
    spec = ClusterSpec(
        (NodeGroup("a100", 2, 8), NodeGroup("h800", 1, 8, "dedicated", reserved_for="p1"))
    )
    builder = TraceBuilder("t")
    builder.add(1, 2.0, 16, 16.0, project="p2")
    builder.add(2, 3.0, 8, 16.0, project="p2", chip="a100")
    result = simulate(builder.build(), spec, policy, PolicyOptions(lp_solver=HighsSolver()))
    assert (result.record.columns()["end"] > 0).all()


def test_a_gang_the_type_has_gpus_for_but_no_node_room_waits_for_a_later_round() -> None:
    # Gavel counts 4 GPUs left of 16, but they are 2 + 2 on two nodes: the 4-GPU job cannot
    # be placed this round and starts once a 6-GPU job has ended.
    builder = TraceBuilder("t")
    for line, gpus in enumerate((6, 6, 4), start=1):
        builder.add(line, 0.0, gpus, 1000.0 * gpus)
    result = simulate(builder.build(), parse_cluster("a100=2x8"), "gavel-fifo", PolicyOptions())
    cols = result.record.columns()
    assert (cols["end"] > 0).all()
    assert cols["start"][2] >= min(cols["end"][0], cols["end"][1])


def test_round_and_reset_intervals_are_checked_by_name() -> None:
    with pytest.raises(RuleViolation, match="reset_interval_s must be 0 or more seconds"):
        PolicyOptions(reset_interval_s=-1.0)
    with pytest.raises(RuleViolation, match="round_s must be a positive number of seconds"):
        PolicyOptions(round_s=0.0)


@pytest.mark.parametrize(("policy", "idles"), [("gavel-las", True), ("srsf-perf", False)])
def test_a_job_that_arrived_since_the_last_allocation_idles_its_gpus_in_gavels_rounds(
    policy: str, idles: bool
) -> None:
    # Resets at 0 and 360 (the interval does not hold while the last reset is at 0); the
    # third job arrives at 400, so it has no allocation until the reset due at 360 + 1,920,
    # made at the first round from then (2,520 s). Gavel's selection picks it for the free GPU
    # each round but does not start it; ours starts it at the next round (720 s).
    rows = [
        (0.0, 1, 9000.0, NEARLY_EVEN),
        (10.0, 1, 9000.0, NEARLY_EVEN),
        (400.0, 1, 100.0, NEARLY_EVEN),
    ]
    cols = run(rows, policy, "v100=3x1").record.columns()
    if idles:
        assert cols["start"][2] == pytest.approx(2520.0)
    else:
        assert cols["start"][2] == pytest.approx(720.0)
