"""The demo's seeded workload: jobs inside the allocation's dates and the window, gangs that fit
the nodes open to the project, about FILL of its released GPU-hours, the same jobs every time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from aisc.core.scheduling.model import ClusterSpec, NodeGroup
from aisc.web.allocations.models import Allocation
from aisc.web.cluster import demo, layout
from tests.web.cluster.conftest import EPOCH

pytestmark = pytest.mark.django_db


def test_a_workload_fits_its_allocation_and_offers_about_the_fill_of_its_hours(
    make_allocation: Callable[..., Allocation],
) -> None:
    allocation = make_allocation(hours=2000, end=dt.date(2026, 12, 31))
    until = EPOCH + dt.timedelta(days=60)
    jobs = demo.workload(allocation, EPOCH - dt.timedelta(days=5), until, layout.cluster_spec())
    end = EPOCH + dt.timedelta(days=31)  # the allocation's last day is 31 Dec
    assert all(EPOCH <= j.submit_at < end for j in jobs)
    assert {(j.account, j.user, j.chip) for j in jobs} == {("com-a", "alice", "h800")}
    assert {j.gpus for j in jobs} <= {1, 2, 4, 8, 16}
    offered = sum(j.gpus * j.work_s for j in jobs) / 3600
    assert 2000 * demo.FILL <= offered < 2000 * demo.FILL + 16 * 48
    assert all(j.time_limit_s >= 3600 and j.time_limit_s % 3600 == 0 for j in jobs)
    again = demo.workload(allocation, EPOCH - dt.timedelta(days=5), until, layout.cluster_spec())
    assert [(j.submit_at, j.gpus, j.work_s) for j in again] == [
        (j.submit_at, j.gpus, j.work_s) for j in jobs
    ]


def test_gangs_stay_within_the_node_groups_open_to_the_project(
    make_allocation: Callable[..., Allocation],
) -> None:
    mine = make_allocation("com-a")
    other = make_allocation("com-b", members=("bob",))
    spec = ClusterSpec(
        (NodeGroup("h800", 1, 8, "h800"), NodeGroup("h800", 3, 8, "h800", reserved_for="com-a"))
    )
    assert demo.widest(spec, mine, "h800") == 24
    assert demo.widest(spec, other, "h800") == 8
    assert demo.widest(spec, other, "br104") == 0


def test_an_allocation_without_room_members_or_days_in_the_window_gets_no_jobs(
    make_allocation: Callable[..., Allocation],
) -> None:
    allocation = make_allocation(chip="h800")
    no_nodes = ClusterSpec((NodeGroup("br104", 2, 8, "br104"),))
    window = (EPOCH, EPOCH + dt.timedelta(days=10))
    assert demo.workload(allocation, *window, no_nodes) == []
    before = (EPOCH - dt.timedelta(days=10), EPOCH)
    assert demo.workload(allocation, *before, layout.cluster_spec()) == []
    nobody = make_allocation("com-c", members=())
    assert demo.workload(nobody, *window, layout.cluster_spec()) == []


def test_months_before_counts_back_across_the_new_year() -> None:
    months = demo.months_before(dt.date(2027, 2, 14), 3)
    assert [str(m) for m in months] == ["2026-11", "2026-12", "2027-01"]
