"""The allocation limits in front of a policy: dates (GrpJobs=0 outside them) and GPU budgets
(GrpTRESMins with safe enforcement), driven through the real engine and policies."""

import datetime as dt
import math

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.gate import OUTSIDE_WINDOW, OVER_BUDGET, GatedPolicy, Limits
from aisc.core.scheduling.model import Job, parse_cluster
from aisc.core.scheduling.policies import make_policy
from aisc.core.scheduling.policy import Policy, PolicyOptions
from aisc.core.simulation.embedded import EmbeddedCluster

EPOCH = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
HOUR = 3600.0


def at(seconds: float) -> dt.datetime:
    return EPOCH + dt.timedelta(seconds=seconds)


def embedded(policy: str = "backfill", **limits: Limits) -> EmbeddedCluster:
    return EmbeddedCluster(parse_cluster("h800=1x8"), EPOCH, policy=policy, limits=limits)


def states(cluster: EmbeddedCluster) -> list[tuple[int, str, str]]:
    return [(q.job_id, q.state, q.reason) for q in cluster.queue()]


@pytest.mark.parametrize("policy", ["fifo", "multifactor", "backfill"])
def test_a_job_before_its_projects_start_waits_and_starts_on_the_first_day(policy: str) -> None:
    cluster = embedded(policy, p1=Limits(start=2 * HOUR))
    job = cluster.submit(account="p1", user="u", gpus=2, duration_s=HOUR, time_limit_s=HOUR)
    cluster.advance_to(at(HOUR))
    assert states(cluster) == [(job, "PENDING", OUTSIDE_WINDOW)]
    cluster.advance_to(at(2 * HOUR))
    assert states(cluster) == [(job, "RUNNING", "")]
    (running,) = cluster.queue()
    assert (running.chip, running.partition, running.start) == ("h800", "gpu", at(2 * HOUR))
    (done,) = cluster.advance_to(at(4 * HOUR))
    assert done.start == at(2 * HOUR)


@pytest.mark.parametrize("policy", ["fifo", "backfill"])
def test_an_expired_project_starts_nothing_new_and_its_running_job_is_not_killed(
    policy: str,
) -> None:
    cluster = embedded(policy, p1=Limits(end=HOUR))
    running = cluster.submit(account="p1", user="u", gpus=8, duration_s=3 * HOUR)
    queued = cluster.submit(account="p1", user="u", gpus=8, duration_s=HOUR)
    cluster.advance_to(at(HOUR / 2))
    assert states(cluster) == [(running, "RUNNING", ""), (queued, "PENDING", "Resources")]
    cluster.advance_to(at(HOUR))  # the window closes: the queued job is taken back and held
    assert states(cluster) == [(running, "RUNNING", ""), (queued, "PENDING", OUTSIDE_WINDOW)]
    (done,) = cluster.advance_to(at(10 * HOUR))
    assert (done.job_id, done.state, done.end) == (running, "COMPLETED", at(3 * HOUR))
    assert states(cluster) == [(queued, "PENDING", OUTSIDE_WINDOW)]


def test_a_held_job_does_not_block_the_queue_behind_it_under_fifo() -> None:
    cluster = embedded("fifo", p1=Limits(end=0.0))
    held = cluster.submit(account="p1", user="u", gpus=8, duration_s=HOUR)
    other = cluster.submit(account="p2", user="v", gpus=8, duration_s=HOUR)
    cluster.advance_to(at(1))
    assert states(cluster) == [(other, "RUNNING", ""), (held, "PENDING", OUTSIDE_WINDOW)]


def test_a_job_whose_gpus_times_limit_exceed_the_budget_stays_pending_never_killed() -> None:
    # 10 GPU-hours of h800: 4 GPUs x 2 h fits, a second 4 x 2 h would not (safe enforcement).
    cluster = embedded(p1=Limits(budget_gpu_s={"h800": 10 * HOUR}))
    first = cluster.submit(
        account="p1", user="u", gpus=4, duration_s=HOUR, time_limit_s=2 * HOUR, chip="h800"
    )
    second = cluster.submit(
        account="p1", user="u", gpus=4, duration_s=HOUR, time_limit_s=2 * HOUR, chip="h800"
    )
    cluster.advance_to(at(1))
    assert states(cluster) == [(first, "RUNNING", ""), (second, "PENDING", OVER_BUDGET)]
    # The first ends after 1 h: 4 GPU-hours used, 6 left, so the second (8 reserved) still waits.
    done = cluster.advance_to(at(3 * HOUR))
    assert [d.job_id for d in done] == [first]
    assert states(cluster) == [(second, "PENDING", OVER_BUDGET)]
    small = cluster.submit(
        account="p1", user="u", gpus=2, duration_s=HOUR, time_limit_s=3 * HOUR, chip="h800"
    )
    cluster.advance_to(at(3 * HOUR + 1))
    assert states(cluster) == [(small, "RUNNING", ""), (second, "PENDING", OVER_BUDGET)]
    assert cluster.gate.committed[("p1", "h800")] == pytest.approx(4 * HOUR + 6 * HOUR)


def test_a_chip_without_a_budget_line_and_a_job_without_a_limit_never_pass_a_budget() -> None:
    cluster = embedded(p1=Limits(budget_gpu_s={"h800": 100 * HOUR}))
    no_line = cluster.submit(account="p1", user="u", gpus=1, duration_s=1, time_limit_s=60)
    no_limit = cluster.submit(account="p1", user="u", gpus=1, duration_s=1, chip="h800")
    cluster.advance_to(at(HOUR))
    assert states(cluster) == [
        (no_line, "PENDING", OVER_BUDGET),
        (no_limit, "PENDING", OVER_BUDGET),
    ]


def test_projects_without_limits_and_without_a_budget_run_freely() -> None:
    cluster = embedded(p1=Limits(start=0.0, end=math.inf))
    for project in ("p1", "p2"):
        cluster.submit(account=project, user="u", gpus=4, duration_s=HOUR)
    cluster.advance_to(at(1))
    assert [q.state for q in cluster.queue()] == ["RUNNING", "RUNNING"]


def test_a_window_closing_while_a_budgeted_job_waits_gives_its_reservation_back() -> None:
    budget = {"h800": 100 * HOUR}
    cluster = embedded(p1=Limits(end=HOUR, budget_gpu_s=budget))
    cluster.submit(account="p2", user="v", gpus=4, duration_s=2 * HOUR)
    cluster.advance_to(at(1))
    waiting = cluster.submit(
        account="p1", user="u", gpus=8, duration_s=HOUR, time_limit_s=HOUR, chip="h800"
    )
    cluster.advance_to(at(2))
    assert cluster.gate.committed[("p1", "h800")] == 8 * HOUR
    assert cluster.gate.inner.reservation.job.id == waiting  # type: ignore[attr-defined]
    cluster.advance_to(at(HOUR))
    assert cluster.gate.committed[("p1", "h800")] == 0
    assert cluster.gate.inner.reservation is None  # type: ignore[attr-defined]
    assert (waiting, "PENDING", OUTSIDE_WINDOW) in states(cluster)


@pytest.mark.parametrize("name", ["las", "hetero", "fairshare", "sjf"])
def test_a_policy_that_cannot_give_back_a_queued_job_is_refused(name: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        embedded(name)
    assert caught.value.field == "policy"
    assert "cannot give back" in caught.value.message


def test_withdrawing_a_job_the_policy_does_not_hold_is_refused_quietly() -> None:
    spec, options = parse_cluster("h800=1x8"), PolicyOptions()
    stranger = Job(7, 0.0, 1, 1.0)
    assert Policy(spec, options).withdraw(stranger) is False
    for name in ("fifo", "backfill"):
        assert make_policy(name, spec, options).withdraw(stranger) is False


def test_the_gate_takes_the_name_of_the_policy_it_guards() -> None:
    spec, options = parse_cluster("h800=1x8"), PolicyOptions()
    gate = GatedPolicy(spec, options, make_policy("fifo", spec, options), {})
    assert gate.name == "fifo"
    assert gate.limits_of("anyone") == Limits()


def test_a_pause_holds_new_jobs_and_takes_back_queued_ones_until_it_ends() -> None:
    # Suspended from 1 h to 3 h: a job queued behind a running one is taken back at 1 h and
    # starts at 3 h; one submitted during the pause also waits for its end.
    cluster = embedded("fifo", p1=Limits(pauses=((HOUR, 3 * HOUR),)))
    cluster.submit(account="p2", user="v", gpus=8, duration_s=2 * HOUR)
    queued = cluster.submit(account="p1", user="u", gpus=8, duration_s=HOUR)
    cluster.advance_to(at(HOUR))
    assert (queued, "PENDING", OUTSIDE_WINDOW) in states(cluster)
    during = cluster.submit(account="p1", user="u", gpus=8, duration_s=HOUR)
    cluster.advance_to(at(2.5 * HOUR))
    assert states(cluster) == [
        (queued, "PENDING", OUTSIDE_WINDOW),
        (during, "PENDING", OUTSIDE_WINDOW),
    ]
    cluster.advance_to(at(3 * HOUR))
    assert states(cluster) == [(queued, "RUNNING", ""), (during, "PENDING", "Resources")]


def test_the_next_change_of_a_window_is_its_nearest_edge_after_now() -> None:
    limits = Limits(start=10.0, end=100.0, pauses=((20.0, 30.0), (50.0, math.inf)))
    assert [limits.next_change(t) for t in (0.0, 10.0, 25.0, 30.0, 60.0, 100.0)] == [
        10.0,
        20.0,
        30.0,
        50.0,
        100.0,
        math.inf,
    ]
    assert [limits.open_at(t) for t in (5.0, 10.0, 20.0, 30.0, 50.0)] == [
        False,
        True,
        False,
        True,
        False,
    ]
