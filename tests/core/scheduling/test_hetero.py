import pytest

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.model import parse_cluster
from aisc.core.scheduling.policies import make_policy
from aisc.core.scheduling.policies.hetero import HeterogeneityAware
from aisc.core.scheduling.policy import PolicyOptions
from aisc.core.simulation.engine import Simulator
from aisc.core.simulation.run import SimulationResult, simulate
from aisc.core.simulation.traces.base import TraceBuilder

FAST_ON_V100 = {"v100": 10.0, "k80": 1.0}  # 10x on a V100 (like ResNet-18)
NEARLY_EVEN = {"v100": 1.0, "k80": 0.9}  # like Recommendation: a K80 does almost as well


def run(
    rows: list[tuple[float, int, float, dict[str, float]]], policy: str, **options: object
) -> SimulationResult:
    builder = TraceBuilder("t")
    for line, (submit, gpus, work, speeds) in enumerate(rows, start=1):
        builder.add(line, submit, gpus, work, speeds=speeds)
    opts = PolicyOptions(**options)  # type: ignore[arg-type]
    return simulate(builder.build(), parse_cluster("v100=1x1,k80=1x1"), policy, opts)


def test_the_job_with_most_to_gain_gets_the_fast_chip() -> None:
    rows = [(0.0, 1, 90.0, NEARLY_EVEN), (0.0, 1, 1000.0, FAST_ON_V100)]
    hetero = run(rows, "hetero")
    assert hetero.record.columns()["end"].tolist() == [100.0, 100.0]
    agnostic = run(rows, "fifo")  # first come takes the first chip type listed
    assert agnostic.record.columns()["end"].tolist() == [90.0, 1000.0]


def test_a_round_moves_a_job_to_the_chip_where_it_gains_most() -> None:
    # The even job holds the V100 alone; at the next round (360 s) the fast job takes it over.
    rows = [(0.0, 1, 1000.0, NEARLY_EVEN), (10.0, 1, 1000.0, FAST_ON_V100)]
    result = run(rows, "hetero")
    cols = result.record.columns()
    assert cols["start"].tolist() == [0.0, 10.0]  # the fast job fills the free K80 at once
    assert result.summary["preemptions"] >= 1
    assert cols["end"][1] < 10.0 + 1000.0  # it did not stay on the K80 for its whole run


def test_min_jct_runs_the_shortest_remaining_job_first() -> None:
    rows = [
        (0.0, 1, 5000.0, FAST_ON_V100),
        (0.0, 1, 5000.0, FAST_ON_V100),
        (1.0, 1, 100.0, FAST_ON_V100),
    ]
    result = run(rows, "hetero", hetero_objective="min-jct")
    cols = result.record.columns()
    assert cols["end"][2] < 400.0  # preempts a long job at the first round boundary


def test_a_job_already_on_its_best_chip_keeps_running_across_rounds() -> None:
    result = run([(0.0, 1, 10_000.0, FAST_ON_V100)], "hetero")
    assert result.record.columns()["end"].tolist() == [1000.0]
    assert result.summary["preemptions"] == 0


def test_a_job_cut_at_its_limit_is_not_resumed() -> None:
    builder = TraceBuilder("t")
    builder.add(1, 0.0, 1, 5000.0, time_limit=100.0, speeds=FAST_ON_V100)
    result = simulate(builder.build(), parse_cluster("v100=1x1,k80=1x1"), "hetero")
    assert result.summary["timeouts"] == 1


def test_an_unknown_hetero_objective_is_refused() -> None:
    with pytest.raises(RuleViolation) as caught:
        make_policy("hetero", parse_cluster("v100=1x1"), PolicyOptions(hetero_objective="speed"))
    assert caught.value.field == "hetero_objective"


def test_a_gang_the_regret_order_leaves_without_room_waits_for_the_next_round() -> None:
    builder = TraceBuilder("t")
    builder.add(1, 0.0, 2, 100.0, speeds=NEARLY_EVEN)  # admitted first: only the V100 node holds 2
    builder.add(2, 0.0, 1, 1000.0, speeds=FAST_ON_V100)  # but it gains most and takes a V100 GPU
    builder.add(3, 0.0, 1, 1000.0, speeds=FAST_ON_V100)  # no room left for it this round
    result = simulate(builder.build(), parse_cluster("v100=1x2,k80=1x1"), "hetero")
    cols = result.record.columns()
    assert cols["start"][1] == 0.0
    assert cols["start"][0] > 0.0  # the gang waits while a V100 GPU is taken
    assert result.summary["jobs"] == 3


def test_a_job_that_ends_with_a_rounding_residue_is_not_started_again() -> None:
    # 1000.1 steps at 1.9 steps/s from t=10 leave ~1e-13 steps "remaining" in floating point;
    # the engine counts the job done, and the policy must not queue it again (it would
    # restart it at the same instant forever).
    submit, work, speed = 10.0, 1000.1, 1.9
    assert work - ((submit + work / speed) - submit) * speed > 0  # the residue is really there
    builder = TraceBuilder("t")
    builder.add(1, submit, 1, work, speeds={"v100": speed})
    cluster = parse_cluster("v100=1x1")
    policy = make_policy("hetero", cluster)
    sim = Simulator(cluster, policy, builder.build())
    beats = []

    def progress(ended: int) -> None:
        beats.append(ended)
        assert len(beats) < 3, "the simulation keeps processing the same instant"

    sim.run(progress)
    assert sim.record.ended == 1
    assert sim.record.columns()["end"][0] == pytest.approx(submit + work / speed)
    assert isinstance(policy, HeterogeneityAware)
    assert len(policy.waiting) == 0
    assert policy.service == {}
    assert policy.profiles == {}


def test_min_jct_ranks_a_running_job_by_the_work_it_has_left_now() -> None:
    # Job 0 (1000 s) runs alone from t=0; job 1 (700 s) arrives at 100 and waits for the
    # round at 360. Ranked by its stale remaining work (1000 s) job 0 would lose the V100;
    # by what it has left then (640 s) it keeps it.
    rows = [(0.0, 1, 1000.0, {"v100": 1.0}), (100.0, 1, 700.0, {"v100": 1.0})]
    builder = TraceBuilder("t")
    for line, (submit, gpus, work, speeds) in enumerate(rows, start=1):
        builder.add(line, submit, gpus, work, speeds=speeds)
    options = PolicyOptions(hetero_objective="min-jct")
    result = simulate(builder.build(), parse_cluster("v100=1x1"), "hetero", options)
    assert result.record.columns()["end"].tolist() == [1000.0, 1700.0]
    assert result.summary["preemptions"] == 0


def test_rounds_resume_after_an_idle_spell_so_a_waiting_job_gets_its_turn() -> None:
    # Job 0 runs 0-10 s; the round due at 360 finds nothing to do. Job 1 arrives at 400 and
    # takes the only GPU between rounds; job 2 arrives at 500 and waits. Max-min gives the
    # GPU to job 2 (no service yet) at the next round boundary (720) — there must be one
    # even though nothing else happens until job 1 would end at 10,400.
    rows = [
        (0.0, 1, 10.0, {"v100": 1.0}),
        (400.0, 1, 10_000.0, {"v100": 1.0}),
        (500.0, 1, 100.0, {"v100": 1.0}),
    ]
    builder = TraceBuilder("t")
    for line, (submit, gpus, work, speeds) in enumerate(rows, start=1):
        builder.add(line, submit, gpus, work, speeds=speeds)
    result = simulate(builder.build(), parse_cluster("v100=1x1"), "hetero")
    cols = result.record.columns()
    assert cols["start"].tolist() == [0.0, 400.0, 720.0]
    assert cols["end"][2] == 820.0
    assert result.summary["preemptions"] == 1


def test_an_assigned_gang_that_no_node_holds_waits_for_a_node_to_free() -> None:
    # Two nodes of 2 GPUs. X ends at 10 and leaves one GPU free on each node (Y and Z hold the
    # others). The 2-GPU gang C, least served, is admitted and assigned the V100s at the round
    # at 360 (the type has room in GPUs), but no node holds it: it waits, nobody is preempted
    # for it, and it starts when Y ends and frees a whole node.
    rows = [
        (0.0, 1, 10.0, {"v100": 1.0}),
        (0.0, 1, 1000.0, {"v100": 1.0}),
        (0.0, 1, 2000.0, {"v100": 1.0}),
        (20.0, 2, 100.0, {"v100": 1.0}),
    ]
    builder = TraceBuilder("t")
    for line, (submit, gpus, work, speeds) in enumerate(rows, start=1):
        builder.add(line, submit, gpus, work, speeds=speeds)
    result = simulate(builder.build(), parse_cluster("v100=2x2"), "hetero")
    cols = result.record.columns()
    assert cols["start"].tolist() == [0.0, 0.0, 0.0, 1000.0]
    assert result.summary["preemptions"] == 0


@pytest.mark.parametrize("cluster", ["a10=1x1,zz=1x1", "zz=1x1,a10=1x1"])
def test_jobs_are_not_moved_between_chips_of_equal_speed_whatever_the_cluster_order(
    cluster: str,
) -> None:
    builder = TraceBuilder("t")
    builder.add(1, 0.0, 1, 1000.0)
    builder.add(2, 0.0, 1, 1000.0)
    result = simulate(builder.build(), parse_cluster(cluster), "hetero")
    assert result.summary["preemptions"] == 0
    assert result.record.columns()["end"].tolist() == [1000.0, 1000.0]


def test_a_job_moves_to_a_slower_chip_only_when_one_with_more_to_gain_takes_its_own() -> None:
    # The nearly-even job holds the V100; a fast job arrives on the K80. The round swaps them
    # (the even job loses 10 %, the fast one gains 10x), and once the fast job is done the even
    # one goes back up to the V100; a lone job is never moved down.
    swapped = run([(0.0, 1, 1000.0, NEARLY_EVEN), (10.0, 1, 1000.0, FAST_ON_V100)], "hetero")
    assert swapped.record.columns()["preemptions"].tolist() == [2, 1]
    alone = run([(0.0, 1, 1000.0, NEARLY_EVEN)], "hetero")
    assert alone.summary["preemptions"] == 0
