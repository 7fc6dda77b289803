"""A restart cost per preemption: a resumed job first spends `restart_s` of wall time restoring,
which holds its GPUs, does no work and counts against its time limit."""

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.model import Job, parse_cluster
from aisc.core.scheduling.policies import make_policy
from aisc.core.scheduling.policy import RESTART_S, PolicyOptions
from aisc.core.simulation.engine import Simulator
from aisc.core.simulation.run import simulate
from aisc.core.simulation.synthetic import philly_like
from tests.core.simulation.test_engine import Greedy


def preempted_once(restart_s: float, limit: float | None = None) -> Simulator:
    spec = parse_cluster("h800=1x8")
    policy = Greedy(spec, preempt_at=4.0)
    policy.options = PolicyOptions(restart_s=restart_s)
    sim = Simulator(spec, policy)
    sim.submit(Job(0, 0.0, 8, 10.0, time_limit=limit))
    sim.run()
    return sim


def test_a_resumed_job_ends_later_by_the_restart_cost() -> None:
    assert preempted_once(0.0).record.end[0] == 10.0
    sim = preempted_once(30.0)
    assert sim.record.end[0] == 40.0  # 0-4 work, 4-34 restoring, 34-40 the 6 s left
    assert sim.record.gpu_seconds[0] == 8 * 40.0  # restoring holds the GPUs


def test_restoring_counts_against_the_time_limit() -> None:
    sim = preempted_once(30.0, limit=20.0)
    assert sim.record.end[0] == 20.0
    assert sim.record.outcome[0] == 2  # TIMEOUT


def test_a_job_preempted_while_still_restoring_made_no_progress() -> None:
    spec = parse_cluster("h800=1x8")
    policy = Greedy(spec, preempt_at=4.0)
    policy.options = PolicyOptions(restart_s=30.0)
    sim = Simulator(spec, policy)
    job = Job(0, 0.0, 8, 10.0)
    sim.submit(job)
    sim.advance(4.0)  # preempted at 4, resumed at once: restoring until 34
    sim.preempt(job)  # preempted again at 4 + 0 s: no work done since
    assert job.remaining == pytest.approx(6.0)


def test_a_preemptive_policy_pays_for_its_preemptions() -> None:
    trace = philly_like(300, gpus=16, load=1.2, seed=3)
    cluster = parse_cluster("h800=2x8")
    free = simulate(trace, cluster, "las", PolicyOptions(restart_s=0.0))
    costly = simulate(trace, cluster, "las", PolicyOptions(restart_s=120.0))
    assert free.summary["preemptions"] > 0
    assert costly.summary["avg_jct_s"] > free.summary["avg_jct_s"]


@pytest.mark.parametrize("restart_s", [-1.0, 100_000.0])
def test_a_restart_cost_outside_its_range_is_refused(restart_s: float) -> None:
    with pytest.raises(RuleViolation) as caught:
        PolicyOptions(restart_s=restart_s)
    assert caught.value.field == "restart_s"


@pytest.mark.parametrize(
    ("policy", "restart_s", "expected"),
    [
        ("las", None, RESTART_S),
        ("hetero", None, RESTART_S),
        ("gavel-las", None, 0.0),  # Gavel's published figures assume free preemption
        ("hetero", 0.0, 0.0),
        ("gavel-fifo", 45.0, 45.0),
    ],
)
def test_a_policy_restores_for_its_default_unless_a_restart_cost_is_given(
    policy: str, restart_s: float | None, expected: float
) -> None:
    assert RESTART_S == 30.0  # Pollux's simulator, docs/simulator.md
    options = PolicyOptions(restart_s=restart_s)
    assert make_policy(policy, parse_cluster("h800=1x8"), options).restart_s == expected


def test_las_pays_the_default_restart_cost_unless_told_preemption_is_free() -> None:
    trace = philly_like(300, gpus=16, load=1.2, seed=3)
    cluster = parse_cluster("h800=2x8")
    default = simulate(trace, cluster, "las")
    free = simulate(trace, cluster, "las", PolicyOptions(restart_s=0.0))
    assert default.summary["avg_jct_s"] > free.summary["avg_jct_s"]
