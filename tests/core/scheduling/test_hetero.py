import pytest

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.model import parse_cluster
from aisc.core.scheduling.policies import make_policy
from aisc.core.scheduling.policy import PolicyOptions
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
