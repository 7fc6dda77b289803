import math

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.model import (
    Job,
    NodeGroup,
    cluster_from_toml,
    parse_cluster,
    parse_shares,
)


def test_it_parses_a_cluster_spec_into_node_groups() -> None:
    spec = parse_cluster("h800=64x8, br104=16x8")
    assert [(g.chip, g.nodes, g.gpus_per_node) for g in spec.groups] == [
        ("h800", 64, 8),
        ("br104", 16, 8),
    ]
    assert spec.gpus == 640
    assert spec.chips == ("h800", "br104")
    assert spec.describe() == "h800=64x8,br104=16x8"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty"),
        ("h800=64", "is not CHIP=NODESxGPUS"),
        ("1h800=1x8", "slug"),
        ("h800!=1x8", "slug"),
        ("h800=0x8", "at least 1 node"),
        ("h800=1x0", "between 1 and 64"),
        ("h800=1x65", "between 1 and 64"),
    ],
)
def test_it_rejects_an_impossible_cluster_spec_naming_the_item(text: str, fragment: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        parse_cluster(text)
    assert fragment in caught.value.message
    assert caught.value.field == "cluster"


def test_it_reads_partitions_reservations_and_shares_from_toml() -> None:
    spec = cluster_from_toml(
        """
        [[nodes]]
        chip = "h800"
        count = 6
        gpus = 8
        [[nodes]]
        chip = "h800"
        count = 2
        gpus = 8
        partition = "dedicated"
        reserved_for = "p2026a-003"
        [shares]
        p2026a-003 = 3
        p2026a-004 = 1.5
        """
    )
    assert spec.groups[1].reserved_for == "p2026a-003"
    assert spec.groups[1].partition == "dedicated"
    assert spec.groups[0].reserved_for is None
    assert spec.shares == {"p2026a-003": 3.0, "p2026a-004": 1.5}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("nodes = [", "cluster TOML"),
        ("x = 1", "at least one [[nodes]]"),
        ("[[nodes]]\nchip = 'h800'\ncount = 1", "#1: missing key 'gpus'"),
        ("[[nodes]]\nchip = 'h800'\ncount = 1.5\ngpus = 8", "must be integers"),
        ("[[nodes]]\nchip='h800'\ncount=1\ngpus=8\n[shares]\np1 = -1", "p1: a share must be"),
        ("[[nodes]]\nchip='h800'\ncount=1\ngpus=8\n[shares]\np1 = 'x'", "p1: a share must be"),
        ("[[nodes]]\nchip='h800'\ncount=1\ngpus=8\n[shares]\np1 = nan", "p1: a share must be"),
    ],
)
def test_it_rejects_a_bad_cluster_toml_with_the_rule(text: str, fragment: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        cluster_from_toml(text)
    assert fragment in caught.value.message


def test_it_parses_shares_and_rejects_a_share_without_a_number() -> None:
    assert parse_shares("p1=3, p2=1,") == {"p1": 3.0, "p2": 1.0}
    for bad in ("p1", "p1=x", "p1=0"):
        with pytest.raises(RuleViolation) as caught:
            parse_shares(bad)
        assert caught.value.field == "shares"


def test_a_job_runs_at_its_speed_on_allowed_chips_only() -> None:
    plain = Job(0, 0.0, 1, 100.0)
    assert plain.speed_on("h800") == 1.0
    assert plain.time_limit == math.inf
    pinned = Job(1, 0.0, 1, 100.0, chip="br104")
    assert pinned.speed_on("h800") == 0.0
    assert pinned.speed_on("br104") == 1.0
    profiled = Job(2, 0.0, 1, 100.0, speeds={"h800": 2.0})
    assert profiled.speed_on("h800") == 2.0
    assert profiled.speed_on("br104") == 0.0
    assert "gpus=1" in repr(profiled)


def test_a_job_runs_until_its_work_is_done_or_its_time_limit_is_reached() -> None:
    job = Job(0, 0.0, 1, 100.0, time_limit=80.0)
    assert job.run_time_on(2.0) == 50.0
    assert job.run_time_on(1.0) == 80.0
    job.ran = 70.0
    assert job.run_time_on(1.0) == 10.0


def test_a_running_jobs_work_left_counts_no_work_while_it_restores() -> None:
    job = Job(0, 0.0, 1, 100.0)
    job.run_since, job.restart_left, job.run_speed = 10.0, 30.0, 2.0
    assert job.work_left_at(25.0) == 100.0  # still restoring
    assert job.work_left_at(40.0) == 100.0  # restored, no work yet
    assert job.work_left_at(50.0) == 80.0  # 10 s at twice the reference speed


def test_a_gang_takes_whole_nodes_and_fits_a_group_only_if_it_has_that_many() -> None:
    group = NodeGroup("h800", 2, 8)
    assert [group.nodes_needed(g) for g in (1, 8, 9, 16, 17)] == [1, 1, 2, 2, 3]
    assert group.can_ever_hold(16)
    assert not group.can_ever_hold(17)
