import math

import numpy as np
import pytest

from aisc.core.scheduling.model import ClusterSpec, Job, NodeGroup, parse_cluster
from aisc.core.scheduling.policy import PolicyOptions
from aisc.core.scheduling.priority import PriorityCalculator
from aisc.core.simulation.run import SimulationResult, simulate
from aisc.core.simulation.traces import parse_lines


def run(
    lines: list[str], cluster: str | ClusterSpec, policy: str, **options: object
) -> SimulationResult:
    spec = parse_cluster(cluster) if isinstance(cluster, str) else cluster
    trace = parse_lines(lines, "csv", "t")
    options.setdefault("restart_s", 0.0)  # these tests are about order, not restart costs
    return simulate(trace, spec, policy, PolicyOptions(**options))  # type: ignore[arg-type]


def starts(result: SimulationResult) -> list[float]:
    starts: list[float] = result.record.columns()["start"].tolist()
    return starts


def test_fair_share_serves_the_project_furthest_below_its_share_first() -> None:
    spec = ClusterSpec((NodeGroup("h800", 1, 8),), shares={"big": 3.0, "small": 1.0})
    lines = [
        "0,8,100,,small",  # runs first: nobody has used anything
        "1,8,100,,small",
        "1,8,100,,big",
        "1,8,100,,big",
    ]
    result = run(lines, spec, "fairshare", decay_half_life_s=math.inf)
    # At 100 small has 800 GPU-s / share 1, big 0: big goes; at 200 big has 800/3 < 800: big again.
    assert starts(result) == [0.0, 300.0, 100.0, 200.0]


def test_fair_share_without_shares_is_equal_and_passes_over_a_project_that_does_not_fit() -> None:
    lines = ["0,8,100,,a", "0,4,50,,b", "0,4,50,,c", "1,8,10,,a", "2,2,10,,b"]
    result = run(lines, "h800=2x8", "fairshare")
    assert starts(result)[:3] == [0.0, 0.0, 0.0]
    assert starts(result)[4] == 50.0  # b is below a (a holds 8 GPUs till 100): b goes first
    assert starts(result)[3] == 60.0  # a's second job needs a whole node: n1 once b's ends


def test_a_project_without_a_share_goes_last_under_fair_share() -> None:
    spec = ClusterSpec((NodeGroup("h800", 1, 8),), shares={"funded": 1.0})
    result = run(["0,8,10,,other", "0,8,10,,funded"], spec, "fairshare")
    assert starts(result) == [10.0, 0.0]


def test_sjf_starts_the_shortest_waiting_job_first_and_skips_jobs_that_do_not_fit() -> None:
    lines = ["0,8,100", "1,8,50", "2,8,10", "3,16,1", "4,4,5"]
    result = run(lines, "h800=1x8", "sjf")
    assert result.summary["unschedulable"] == 1
    assert starts(result)[:3] == [0.0, 115.0, 105.0]
    assert starts(result)[4] == 100.0


def test_las_lets_a_new_job_preempt_one_that_has_had_more_service() -> None:
    # With 8 GPUs the first job passes the 1 GPU-hour threshold at 450 s.
    lines = ["0,8,1000", "600,8,100"]
    result = run(lines, "h800=1x8", "las")
    assert starts(result) == [0.0, 600.0]
    ends = result.record.columns()["end"].tolist()
    assert ends == [1100.0, 700.0]  # preempted at 600, resumed at 700 with 400 s to go
    assert result.summary["preemptions"] == 1


def test_las_does_not_preempt_a_job_of_the_same_queue() -> None:
    result = run(["0,8,100", "10,8,100"], "h800=1x8", "las")
    assert starts(result) == [0.0, 100.0]
    assert result.summary["preemptions"] == 0


def test_las_wakes_up_when_a_running_job_drops_to_a_lower_queue() -> None:
    # The waiting job is in queue 0; the running one reaches 1 GPU-hour at 450 s: preempted.
    lines = ["0,8,1000", "100,8,100"]
    result = run(lines, "h800=1x8", "las", las_thresholds_gpu_s=(3600.0,))
    assert starts(result) == [0.0, 450.0]
    assert result.record.columns()["end"].tolist() == [1100.0, 550.0]


def test_las_passes_over_a_job_it_cannot_make_room_for_and_starts_a_smaller_one() -> None:
    # At 10 the 8-GPU job cannot fit beside the 4-GPU one, which is in its own queue (no
    # victim): the 2-GPU job behind it starts at once. At 900 the 4-GPU job reaches 1 GPU-hour,
    # drops a queue, and the 8-GPU job preempts it.
    lines = ["0,4,1000", "10,8,100", "10,2,100"]
    result = run(lines, "h800=1x8", "las")
    assert starts(result) == [0.0, 900.0, 10.0]
    assert result.record.columns()["end"].tolist() == [1100.0, 1000.0, 110.0]
    assert result.summary["preemptions"] == 1


def test_las_does_not_preempt_when_the_victims_would_not_make_room() -> None:
    lines = ["0,4,10000", "0,4,10000", "500,16,100"]
    result = run(lines, "h800=1x8,a100=1x8", "las")
    assert result.summary["unschedulable"] == 1
    lines = ["0,4,10000,h800", "5000,8,100,a100"]
    result = run(lines, "h800=1x8,a100=1x8", "las")
    assert result.summary["preemptions"] == 0


def test_the_multifactor_priority_follows_slurms_weighted_sum() -> None:
    spec = ClusterSpec((NodeGroup("h800", 2, 8),), shares={"p1": 1.0, "p2": 3.0})
    options = PolicyOptions(qos_priority={"normal": 0.0, "high": 10.0})
    calc = PriorityCalculator(spec, options)
    fairshare = calc.fairshare({"p1": 300.0, "p2": 100.0}, ["p3"])
    assert fairshare["p1"] == pytest.approx(2 ** (-0.75 / 0.25))
    assert fairshare["p2"] == pytest.approx(2 ** (-0.25 / 0.75))
    assert fairshare["p3"] == 0.0  # no share, no fair-share priority
    job = Job(0, 0.0, 8, 10.0, project="p2", qos="high")
    expected = 1000 * 0.5 + 10_000 * fairshare["p2"] + 1000 * 8 / 16 + 1000 * 1.0
    assert calc.priority(job, 3.5 * 86_400, fairshare) == pytest.approx(expected)
    (vector,) = calc.priorities(
        np.array([job.submit]),
        np.array([calc.static_part(job)]),
        np.array([fairshare["p2"]]),
        3.5 * 86_400,
    )
    assert vector == pytest.approx(expected)


def test_fair_share_factors_are_one_before_anyone_has_used_anything() -> None:
    calc = PriorityCalculator(parse_cluster("h800=1x8"), PolicyOptions(qos_priority={}))
    assert calc.fairshare({}, ["a", "b"]) == {"a": 1.0, "b": 1.0}
    assert calc.qos_factor == {}


def test_multifactor_ranks_the_under_served_project_first_after_recalculation() -> None:
    lines = ["0,8,1000,,heavy", "1,8,10,,heavy", "2,8,10,,light"]
    result = run(lines, "h800=1x8", "multifactor")
    assert starts(result) == [0.0, 1010.0, 1000.0]


def test_a_recalculation_reorders_the_waiting_queue_by_age() -> None:
    # A big job arrives later but ranks higher on size; age catches up after a recalculation.
    lines = ["0,8,100000", "10,1,10", "20,8,10"]
    result = run(lines, "h800=1x8", "multifactor", weight_fairshare=0.0, calc_period_s=60.0)
    assert starts(result) == [0.0, 100010.0, 100000.0]


def test_backfill_tests_no_more_jobs_than_bf_max_job_test() -> None:
    lines = ["0,8,100", "1,16,10", "2,8,500", "3,1,5"]
    limited = run(lines, "h800=2x8", "backfill", weight_jobsize=0.0, bf_max_job_test=1)
    # Only the 8-GPU job right behind the blocked gang is tested; the 1-GPU job waits.
    assert starts(limited)[3] > 3.0
    full = run(lines, "h800=2x8", "backfill", weight_jobsize=0.0)
    assert starts(full)[3] == 3.0


def test_an_idle_queue_is_recalculated_without_harm() -> None:
    result = run(["0,1,10", "1000,1,10"], "h800=1x8", "backfill", calc_period_s=1.0)
    assert starts(result) == [0.0, 1000.0]


def test_las_preempts_only_as_many_jobs_as_it_needs() -> None:
    lines = ["0,4,10000", "1,4,10000", "2000,4,100"]
    result = run(lines, "h800=1x8", "las", las_thresholds_gpu_s=(3600.0,))
    assert result.summary["preemptions"] == 1
    assert starts(result)[2] == 2000.0


def test_las_asks_for_no_wake_up_once_every_running_job_is_in_the_last_queue() -> None:
    lines = ["0,8,1000", "900,8,100", "950,8,100"]
    result = run(lines, "h800=1x8", "las", las_thresholds_gpu_s=(3600.0,))
    # Both newcomers are in queue 0, the first job is in queue 1 from 450 s: they go first.
    assert starts(result) == [0.0, 900.0, 1000.0]


def test_las_stops_preempting_once_both_jobs_share_the_last_queue() -> None:
    result = run(["0,8,1000", "100,8,1000"], "h800=1x8", "las", las_thresholds_gpu_s=(3600.0,))
    # A drops to queue 1 at 450 s and B preempts it; B drops too at 900 s: no more preemption.
    assert starts(result) == [0.0, 450.0]
    assert result.record.columns()["end"].tolist() == [2000.0, 1450.0]
    assert result.summary["preemptions"] == 1
