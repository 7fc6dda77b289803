"""Replaying pods: waiting pods start when resources come back, shapes that failed are not
retried at the same instant, and the figures are worked by hand."""

import math

import pytest

from aisc.core.simulation.sharing.engine import TIMELINE_POINTS, simulate_sharing
from aisc.core.simulation.sharing.model import Pod, SharedNode

ONE_GPU = [SharedNode("n0", 32000, 65536, 1, "t4")]


def pod(i: int, at: float, milli: int, run: float = math.inf, gpus: int = 1) -> Pod:
    return Pod(i, f"p{i}", at, run, 1000, 1024, gpus, milli)


def test_a_waiting_pod_starts_when_a_departure_frees_its_room() -> None:
    pods = [pod(0, 0, 1000, run=10), pod(1, 1, 600), pod(2, 2, 600), pod(3, 3, 100)]
    result = simulate_sharing(ONE_GPU, pods, "fgd")
    assert result.starts == {0: 0, 1: 10, 3: 10}  # pod 2, the same shape, still waits
    assert result.summary["waiting_at_end"] == 1
    assert result.summary["allocated_gpu_share_at_last_arrival"] == 1.0  # at 3: pod 0 holds it
    assert result.summary["avg_wait_s"] == pytest.approx((0 + 9 + 7) / 3)


def test_allocated_share_and_fragmentation_over_the_arrival_window_by_hand() -> None:
    # t in [0, 2): one 600-milli pod holds the GPU; the 400 left is a fragment for the
    # workload (all 600-milli tasks), so fragmentation is 1 and the allocated share 0.6.
    pods = [pod(0, 0, 600), pod(1, 1, 600), pod(2, 2, 600)]
    summary = simulate_sharing(ONE_GPU, pods, "best-fit").summary
    assert summary["window_s"] == 2
    assert summary["allocated_gpu_share"] == pytest.approx(0.6)
    assert summary["fragmentation"] == pytest.approx(1.0)
    assert summary["allocated_gpu_share_at_last_arrival"] == pytest.approx(0.6)
    assert summary["fragmentation_at_last_arrival"] == pytest.approx(1.0)
    assert (summary["placed"], summary["waiting_at_end"]) == (1, 2)


def test_a_full_cluster_has_no_free_capacity_to_fragment() -> None:
    result = simulate_sharing(ONE_GPU, [pod(0, 0, 1000), pod(1, 5, 1000)], "first-fit")
    assert result.summary["allocated_gpu_share"] == 1.0
    assert result.summary["fragmentation"] == 0.0
    assert result.timeline[-1] == (5, 0.0, 1.0)


def test_a_pod_no_node_could_ever_hold_is_unschedulable_and_not_queued() -> None:
    result = simulate_sharing(ONE_GPU, [pod(0, 0, 1000, gpus=2)], "fgd")
    assert result.unschedulable == [0]
    assert result.summary["waiting_at_end"] == 0
    assert (result.summary["avg_wait_s"], result.summary["allocated_gpu_share"]) == (0.0, 0.0)


def test_no_pods_give_an_empty_run() -> None:
    empty = simulate_sharing(ONE_GPU, [], "fgd").summary
    assert (empty["pods"], empty["allocated_gpu_share_at_last_arrival"]) == (0, 0.0)


def test_the_timeline_keeps_at_most_a_hundred_points() -> None:
    nodes = [SharedNode(f"n{i}", 32000, 65536, 8, "t4") for i in range(4)]
    pods = [pod(i, i, 100, run=5) for i in range(300)]
    result = simulate_sharing(nodes, pods, "first-fit")
    assert len(result.timeline) <= TIMELINE_POINTS
    assert result.summary["placed"] == 300


def test_pods_that_wait_through_instants_without_departures_start_once_room_comes_back() -> None:
    # pods 1-3 wait through arrivals at 2-5 where nothing leaves (the queue is not walked
    # then); pod 0 leaves at 10 and the first waiting pods take its GPU, in arrival order
    pods = [pod(0, 0, 1000, run=10), pod(1, 1, 500), pod(2, 1, 300), pod(3, 2, 700)]
    pods += [pod(10 + i, 2 + i, 1000, gpus=2) for i in range(4)]  # never fit: no 2-GPU node
    pods += [pod(20, 6, 1000, run=1), pod(21, 10, 200)]
    result = simulate_sharing(ONE_GPU, pods, "best-fit")
    assert result.starts == {0: 0, 1: 10, 2: 10, 21: 10}
    assert sorted(result.unschedulable) == [10, 11, 12, 13]
    assert result.summary["waiting_at_end"] == 2  # pods 3 and 20


def test_a_shape_that_failed_at_an_instant_is_not_tried_again_then_but_later() -> None:
    # at 10 pod 1 takes the freed GPU and pod 2 fails, so pod 3 (same shape) is not tried;
    # at 15 pod 1 leaves and pod 2, first in line, starts; pod 3 still waits
    pods = [pod(0, 0, 1000, run=10), pod(1, 1, 600, run=5), pod(2, 2, 600), pod(3, 3, 600)]
    result = simulate_sharing(ONE_GPU, pods, "fgd")
    assert result.starts == {0: 0, 1: 10, 2: 15}
    assert result.summary["waiting_at_end"] == 1
