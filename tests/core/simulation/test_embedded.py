import datetime as dt

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.model import parse_cluster
from aisc.core.simulation.embedded import EmbeddedCluster

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
