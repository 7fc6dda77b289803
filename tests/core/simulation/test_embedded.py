import datetime as dt
import pickle
from collections.abc import Mapping, Sequence

import numpy as np
import pytest

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.gate import OVER_BUDGET, Limits
from aisc.core.scheduling.model import parse_cluster
from aisc.core.simulation.embedded import EmbeddedCluster, FinishedJob, QueuedJob

EPOCH = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


def cluster() -> EmbeddedCluster:
    return EmbeddedCluster(parse_cluster("h800=1x8"), EPOCH)


def test_jobs_run_as_the_clock_advances_and_come_back_shaped_like_sacct_records() -> None:
    embedded = cluster()
    first = embedded.submit(account="p2026a-003", user="alice", gpus=8, duration_s=3600)
    second = embedded.submit(account="p2026a-004", user="bob", gpus=4, duration_s=1800)
    assert embedded.advance_to(EPOCH) == []  # submissions arrive when the cluster advances
    assert (embedded.running, embedded.waiting) == (1, 1)
    assert embedded.advance_to(EPOCH + HOUR / 2) == []
    done = embedded.advance_to(EPOCH + 2 * HOUR)
    assert [job.job_id for job in done] == [first, second]
    record = done[1]
    assert (record.account, record.user, record.chip, record.gpus) == (
        "p2026a-004",
        "bob",
        "h800",
        4,
    )
    assert record.submit == EPOCH
    assert record.partition == "gpu"
    assert record.start == EPOCH + HOUR
    assert record.end == EPOCH + HOUR * 1.5
    assert (record.elapsed_s, record.gpu_seconds, record.state) == (1800, 7200, "COMPLETED")
    assert embedded.now == EPOCH + 2 * HOUR
    assert embedded.advance_to(EPOCH + 3 * HOUR) == []  # each record is handed out once


def test_a_job_past_its_limit_ends_as_timeout_and_later_jobs_arrive_at_the_clock() -> None:
    embedded = cluster()
    embedded.advance_to(EPOCH + HOUR)
    embedded.submit(account="p1", user="u", gpus=1, duration_s=7200, time_limit_s=60)
    (record,) = embedded.advance_to(EPOCH + 2 * HOUR)
    assert record.submit == EPOCH + HOUR
    assert record.state == "TIMEOUT"
    assert record.elapsed_s == 60


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"gpus": 0, "duration_s": 1}, "gpus", "at least 1"),
        ({"gpus": 1, "duration_s": -1}, "duration_s", ">= 0"),
        ({"gpus": 16, "duration_s": 1}, "gpus", "whole cluster has 8"),
    ],
)
def test_a_job_it_can_never_run_is_refused_naming_the_rule(
    kwargs: dict[str, int], field: str, fragment: str
) -> None:
    with pytest.raises(RuleViolation) as caught:
        cluster().submit(account="p1", user="u", **kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert fragment in caught.value.message


def test_time_only_moves_forward_and_the_epoch_must_be_aware() -> None:
    embedded = cluster()
    embedded.advance_to(EPOCH + HOUR)
    with pytest.raises(RuleViolation, match="back in time"):
        embedded.advance_to(EPOCH)
    with pytest.raises(RuleViolation, match="timezone-aware"):
        EmbeddedCluster(parse_cluster("h800=1x8"), dt.datetime(2026, 3, 1))


def seeded_jobs(seed: int, count: int) -> list[tuple[dt.datetime, dict[str, float | int | str]]]:
    """Jobs of two projects on two chips, arriving about every 40 minutes."""
    rng = np.random.default_rng(seed)
    at, jobs = EPOCH, []
    for n in range(count):
        at += dt.timedelta(seconds=int(rng.exponential(2400)))
        work = float(rng.lognormal(np.log(3 * 3600), 0.8))
        jobs.append(
            (
                at,
                {
                    "account": ("p1", "p2")[n % 2],
                    "user": "u",
                    "gpus": int(rng.choice([1, 2, 4, 8, 16])),
                    "duration_s": work,
                    "chip": ("h800", "br104")[int(rng.integers(2))],
                    "time_limit_s": work * float(rng.choice([0.8, 1.5])),
                },
            )
        )
    return jobs


def gated_cluster() -> EmbeddedCluster:
    budget = {"h800": 3600.0 * 2000, "br104": 3600.0 * 300}
    limits = {
        "p1": Limits(budget_gpu_s=budget),
        "p2": Limits(start=3600.0, end=40 * 86400.0, budget_gpu_s=budget, pauses=((1e5, 2e5),)),
    }
    return EmbeddedCluster(parse_cluster("h800=2x8,br104=2x8"), EPOCH, limits=limits)


def drive(
    jobs: Sequence[tuple[dt.datetime, Mapping[str, object]]], stops: list[dt.datetime]
) -> tuple[list[FinishedJob], list[list[QueuedJob]]]:
    """Submit `jobs` as the clock reaches them; at each stop, snapshot and carry on from the
    restored copy (no stops: one cluster throughout). What ended, and the queue at each stop."""
    embedded, ended, queues = gated_cluster(), [], []
    pending = list(jobs)
    for stop in [*stops, jobs[-1][0] + 30 * 24 * HOUR]:
        while pending and pending[0][0] <= stop:
            at, fields = pending.pop(0)
            ended += embedded.advance_to(at)
            embedded.submit(**fields)  # type: ignore[arg-type]
        ended += embedded.advance_to(stop)
        queues.append(embedded.queue())
        embedded = EmbeddedCluster.restore(embedded.snapshot())
    return ended, queues


def test_a_cluster_restored_from_snapshots_runs_exactly_as_one_that_never_stopped() -> None:
    jobs = seeded_jobs(7, 300)
    stops = [jobs[n][0] + dt.timedelta(minutes=n % 50) for n in range(10, 300, 23)]
    straight, straight_queues = drive(jobs, [])
    resumed, queues = drive(jobs, stops)
    assert resumed == straight
    assert queues[-1] == straight_queues[-1]
    # The workload exercises what a snapshot must carry: both end states, and budgets spent so
    # that the last jobs stay held; some stops fell while jobs were running.
    assert {job.state for job in straight} == {"COMPLETED", "TIMEOUT"}
    assert 150 < len(straight) < 300
    assert {queued.reason for queued in queues[-1]} == {OVER_BUDGET}
    assert any(queued.state == "RUNNING" for queue in queues for queued in queue)


def test_a_snapshot_leaves_out_the_history_the_embedded_cluster_never_reads() -> None:
    embedded = gated_cluster()
    for at, fields in seeded_jobs(3, 60):
        embedded.advance_to(at)
        embedded.submit(**fields)  # type: ignore[arg-type]
    embedded.advance_to(EPOCH + 60 * 24 * HOUR)
    assert embedded.running == 0
    restored = EmbeddedCluster.restore(embedded.snapshot())
    assert len(restored._sim.timeline) == 0
    assert len(restored._sim.record.segments) == 0
    assert restored.now == embedded.now
    assert restored.queue() == embedded.queue()


def test_restoring_anything_but_a_snapshot_is_refused_naming_the_snapshot() -> None:
    with pytest.raises(RuleViolation) as caught:
        EmbeddedCluster.restore(b"not a pickle")
    assert caught.value.field == "snapshot"
    assert "unreadable" in caught.value.message
    with pytest.raises(RuleViolation, match="holds a dict, not an embedded cluster"):
        EmbeddedCluster.restore(pickle.dumps({"jobs": []}))
