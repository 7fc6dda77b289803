"""The embedded cluster across processes: jobs stored, replayed from the epoch, their states
written back; the allocations' dates, budgets, suspensions and dedicated nodes enforced."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.gate import OUTSIDE_WINDOW, OVER_BUDGET
from aisc.web.allocations.actions import do_transition
from aisc.web.allocations.models import Allocation
from aisc.web.catalogue.models import Node
from aisc.web.cluster import service
from aisc.web.cluster.models import ClusterClock, EmbeddedJob, JobState
from tests.web.cluster.conftest import EPOCH, HOUR

pytestmark = pytest.mark.django_db

Job = Callable[..., EmbeddedJob]
MakeAllocation = Callable[..., Allocation]


def utc(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).isoformat()


def started(job: EmbeddedJob) -> dt.datetime:
    assert job.start_at is not None, f"job {job.pk} has not started"
    return job.start_at


def fresh(job: EmbeddedJob) -> EmbeddedJob:
    job.refresh_from_db()
    return job


def test_a_stored_job_runs_when_the_cluster_advances_and_its_row_records_how(
    make_allocation: MakeAllocation, job: Job
) -> None:
    make_allocation()
    stored = job(hours=1, limit_hours=2)
    running = service.advance(EPOCH + HOUR / 2)
    assert running.running == [stored]
    stored = fresh(stored)
    assert (stored.state, stored.start_at, stored.partition) == ("RUNNING", EPOCH, "h800")
    done = service.advance(EPOCH + 3 * HOUR)
    assert [j.pk for j in done.ended] == [stored.pk]
    stored = fresh(stored)
    assert (stored.state, stored.end_at, stored.final) == ("COMPLETED", EPOCH + HOUR, True)
    assert ClusterClock.objects.get().advanced_to == EPOCH + 3 * HOUR


def test_a_job_past_its_time_limit_ends_as_timeout(
    make_allocation: MakeAllocation, job: Job
) -> None:
    make_allocation()
    stored = job(hours=3, limit_hours=1)
    service.advance(EPOCH + 5 * HOUR)
    stored = fresh(stored)
    assert (stored.state, stored.end_at) == ("TIMEOUT", EPOCH + HOUR)


def test_a_job_submitted_later_than_now_waits_unseen_until_the_clock_reaches_it(
    make_allocation: MakeAllocation, job: Job
) -> None:
    make_allocation()
    later = job(at=EPOCH + 5 * HOUR)
    assert service.advance(EPOCH + HOUR).pending == 0
    assert fresh(later).state == JobState.FUTURE
    service.advance(EPOCH + 5 * HOUR)
    assert fresh(later).state == JobState.RUNNING


def test_advancing_again_to_the_same_instant_replays_the_same_history_and_changes_nothing(
    make_allocation: MakeAllocation, job: Job
) -> None:
    make_allocation()
    jobs = [job(gpus=8, hours=h, at=EPOCH + h * HOUR / 3) for h in (1, 2, 3, 4)]
    service.advance(EPOCH + 3 * HOUR)
    before = list(EmbeddedJob.objects.values_list("state", "start_at", "end_at"))
    again = service.advance(EPOCH + 3 * HOUR)
    assert again.ended == []
    assert list(EmbeddedJob.objects.values_list("state", "start_at", "end_at")) == before
    # Two 8-GPU nodes: j1 00:20-01:20, j2 00:40-02:40, j3 waits for j1 (from 01:20), j4 for j2.
    starts = [(fresh(j).state, started(fresh(j)) - EPOCH) for j in jobs]
    minutes = dt.timedelta(minutes=1)
    assert starts == [
        ("COMPLETED", 20 * minutes),
        ("COMPLETED", 40 * minutes),
        ("RUNNING", 80 * minutes),
        ("RUNNING", 160 * minutes),
    ]


def test_the_clock_never_runs_backwards(make_allocation: MakeAllocation, job: Job) -> None:
    make_allocation()
    job()
    service.advance(EPOCH + 2 * HOUR)
    assert service.advance(EPOCH).now == EPOCH + 2 * HOUR


def test_an_ended_job_keeps_its_record_when_the_cluster_later_changes(
    make_allocation: MakeAllocation, job: Job
) -> None:
    make_allocation()
    ended = job(hours=1)
    service.advance(EPOCH + 2 * HOUR)
    Node.objects.filter(name__startswith="h800").update(state="down")
    waiting = job(at=EPOCH + 3 * HOUR)
    service.advance(EPOCH + 4 * HOUR)
    ended = fresh(ended)
    assert (ended.state, ended.start_at, ended.end_at) == ("COMPLETED", EPOCH, EPOCH + HOUR)
    waiting = fresh(waiting)
    assert (waiting.state, waiting.reason) == ("PENDING", service.NOT_AVAILABLE)


def test_an_expired_allocation_starts_no_new_job_and_its_running_job_is_not_killed(
    make_allocation: MakeAllocation, job: Job
) -> None:
    # Its last day is 2 Dec: jobs may start until 3 Dec 00:00 Hong Kong time (EPOCH + 48 h).
    make_allocation(end=dt.date(2026, 12, 2))
    running = job(gpus=16, hours=5, limit_hours=6, at=EPOCH + 46 * HOUR)
    queued = job(gpus=8, hours=1, at=EPOCH + 47 * HOUR)
    service.advance(EPOCH + 49 * HOUR)
    assert fresh(running).state == "RUNNING"
    assert (fresh(queued).state, fresh(queued).reason) == ("PENDING", OUTSIDE_WINDOW)
    service.advance(EPOCH + 60 * HOUR)
    assert (fresh(running).state, fresh(running).end_at) == ("COMPLETED", EPOCH + 51 * HOUR)
    assert (fresh(queued).state, fresh(queued).reason) == ("PENDING", OUTSIDE_WINDOW)


def test_a_job_that_would_go_beyond_the_released_gpu_hours_stays_pending(
    make_allocation: MakeAllocation, job: Job
) -> None:
    make_allocation(hours=10)  # 10 GPU-hours: 4 GPUs x 2 h reserved leaves 2
    first = job(gpus=4, hours=1, limit_hours=2)
    second = job(gpus=4, hours=1, limit_hours=2)
    other_chip = job(gpus=1, hours=1, limit_hours=1, chip="br104")
    service.advance(EPOCH + 5 * HOUR)
    assert fresh(first).state == "COMPLETED"
    assert (fresh(second).state, fresh(second).reason) == ("PENDING", OVER_BUDGET)
    assert (fresh(other_chip).state, fresh(other_chip).reason) == ("PENDING", OVER_BUDGET)


def test_a_suspended_allocation_starts_nothing_from_the_advance_that_sees_it(
    make_allocation: MakeAllocation, job: Job
) -> None:
    allocation = make_allocation()
    before = job(hours=1)
    service.advance(EPOCH + 2 * HOUR)
    do_transition(allocation, "suspend", acting_user=None)
    after = job(at=EPOCH + 3 * HOUR)
    service.advance(EPOCH + 4 * HOUR)
    assert fresh(before).state == "COMPLETED"
    assert (fresh(after).state, fresh(after).reason) == ("PENDING", OUTSIDE_WINDOW)
    service.advance(EPOCH + 6 * HOUR)  # later replays keep the stop where it was first seen
    assert (fresh(after).state, fresh(after).reason) == ("PENDING", OUTSIDE_WINDOW)
    assert ClusterClock.objects.get().stops == {"com-a": [[utc(EPOCH + 2 * HOUR), None]]}


def test_a_resumed_allocation_runs_its_held_jobs_again(
    make_allocation: MakeAllocation, job: Job
) -> None:
    allocation = make_allocation()
    service.advance(EPOCH + HOUR)
    do_transition(allocation, "suspend", acting_user=None)
    held = job(hours=2, limit_hours=3, at=EPOCH + 2 * HOUR)
    service.advance(EPOCH + 3 * HOUR)
    assert fresh(held).reason == OUTSIDE_WINDOW
    do_transition(allocation, "resume", acting_user=None)
    service.advance(EPOCH + 4 * HOUR)  # it runs from the advance that saw the resume, not before
    assert (fresh(held).state, fresh(held).start_at) == ("RUNNING", EPOCH + 3 * HOUR)
    service.advance(EPOCH + 4 * HOUR + 1 * HOUR / 2)
    assert (fresh(held).state, fresh(held).start_at) == ("RUNNING", EPOCH + 3 * HOUR)
    stopped = [[utc(EPOCH + HOUR), utc(EPOCH + 3 * HOUR)]]
    assert ClusterClock.objects.get().stops == {"com-a": stopped}


def test_a_closed_allocation_has_no_account_to_submit_to_and_starts_nothing(
    make_allocation: MakeAllocation, job: Job
) -> None:
    allocation = make_allocation()
    service.advance(EPOCH + HOUR)
    do_transition(allocation, "close", acting_user=None)
    stored = job(at=EPOCH + 2 * HOUR)
    service.advance(EPOCH + 3 * HOUR)
    assert (fresh(stored).state, fresh(stored).reason) == ("PENDING", OUTSIDE_WINDOW)
    with pytest.raises(RuleViolation, match="no Slurm account"):
        service.submit(
            account="com-a", user="alice", gpus=1, work_s=60, time_limit_s=3600, chip="h800"
        )


def test_dedicated_nodes_serve_only_their_tenant(make_allocation: MakeAllocation, job: Job) -> None:
    make_allocation("com-a", dedicated=("h800-02",))
    make_allocation("com-b", members=("bob",))
    mine = job("com-a", gpus=8, hours=10, limit_hours=12)
    theirs = [job("com-b", gpus=8, hours=10, limit_hours=12, user="bob") for _ in range(2)]
    service.advance(EPOCH + HOUR)
    assert (fresh(mine).state, fresh(mine).dedicated) == ("RUNNING", True)
    states = sorted((fresh(j).state, fresh(j).reason, fresh(j).dedicated) for j in theirs)
    assert states == [("PENDING", "Resources", False), ("RUNNING", "", False)]


def test_the_policy_comes_from_the_configuration(settings: Any) -> None:
    settings.AISC_EMBEDDED_POLICY = "fifo"
    assert service.clock(EPOCH).policy == "fifo"
    settings.AISC_EMBEDDED_POLICY = "backfill"
    assert service.clock().policy == "fifo"  # the first clock row keeps its policy


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"account": "nobody"}, "account", "no Slurm account"),
        ({"user": "mallory"}, "user", "not a member of com-a"),
        ({"time_limit_s": 30}, "time_limit_s", "at least 60 s"),
        ({"gpus": 64}, "gpus", "whole cluster has 32"),
        ({"chip": "b200"}, "gpus", "needs chip 'b200'"),
    ],
)
def test_a_job_slurm_would_refuse_is_refused_naming_the_field_and_nothing_is_stored(
    make_allocation: MakeAllocation,
    epoch: dt.datetime,
    changes: dict[str, Any],
    field: str,
    fragment: str,
) -> None:
    make_allocation()
    given: dict[str, Any] = {
        "account": "com-a",
        "user": "alice",
        "gpus": 1,
        "work_s": 60,
        "time_limit_s": 3600,
        "chip": "h800",
    }
    with pytest.raises(RuleViolation) as caught:
        service.submit(**(given | changes))
    assert caught.value.field == field
    assert fragment in caught.value.message
    assert not EmbeddedJob.objects.exists()


def test_a_pending_allocation_has_no_account_to_submit_to(
    make_allocation: MakeAllocation, epoch: dt.datetime
) -> None:
    make_allocation()
    Allocation.objects.filter(project_code="com-a").update(status="pending")
    with pytest.raises(RuleViolation, match="no Slurm account"):
        service.submit(
            account="com-a", user="alice", gpus=1, work_s=60, time_limit_s=3600, chip="h800"
        )


def test_a_job_stored_for_a_pending_allocation_never_starts(
    make_allocation: MakeAllocation, job: Job
) -> None:
    make_allocation()
    Allocation.objects.filter(project_code="com-a").update(status="pending")
    stored = job()
    service.advance(EPOCH + HOUR)
    assert (fresh(stored).state, fresh(stored).reason) == ("PENDING", OUTSIDE_WINDOW)


def test_a_negative_run_time_is_refused_naming_the_field_the_caller_gave(
    make_allocation: MakeAllocation, epoch: dt.datetime
) -> None:
    make_allocation()
    with pytest.raises(RuleViolation) as caught:
        service.submit(
            account="com-a", user="alice", gpus=1, work_s=-1, time_limit_s=3600, chip="h800"
        )
    assert caught.value.field == "work_s"
    assert "work_s" in caught.value.message
    assert not EmbeddedJob.objects.exists()


def test_a_job_submitted_for_a_chip_in_capitals_is_stored_and_run_on_the_lower_case_chip(
    make_allocation: MakeAllocation, epoch: dt.datetime
) -> None:
    make_allocation()
    stored = service.submit(
        account="com-a", user="alice", gpus=1, work_s=60, time_limit_s=3600, chip="H800", at=EPOCH
    )
    assert fresh(stored).chip == "h800"
    service.advance(EPOCH + HOUR)
    assert fresh(stored).state == JobState.COMPLETED
