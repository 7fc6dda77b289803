"""The seeded OpenB-shaped lists: the public node shapes at any size, pods that every loader
rule accepts, and the same lines for the same seed."""

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.simulation.sharing.openb import load_nodes, load_pods
from aisc.core.simulation.sharing.synthetic import node_lines, pod_lines


def test_1213_nodes_in_the_public_shape_mix() -> None:
    nodes = load_nodes(node_lines(1213), "nodes")
    assert len(nodes) == 1213
    models = {n.model for n in nodes}
    assert models == {"g2", "t4", "p100", "g3", "v100m16", "v100m32"}
    assert 6000 < sum(n.gpus for n in nodes) < 7000  # the public list has 6,212 GPUs


def test_timed_and_untimed_pods_load_and_repeat_for_a_seed() -> None:
    timed = load_pods(pod_lines(500, seed=1, gpus=100, load=1.0), "pods")
    assert all(p.ends for p in timed)
    assert timed[0].arrival == 0
    assert pod_lines(50, seed=1, gpus=100) == pod_lines(50, seed=1, gpus=100)
    untimed = load_pods(pod_lines(50, seed=1, timed=False), "pods")
    assert not any(p.ends for p in untimed)
    shares = {p.num_gpu for p in timed}
    assert shares == {0, 1, 2, 4, 8}
    assert any(p.models for p in timed)
    assert any(0 < p.gpu_milli < 1000 for p in timed)


@pytest.mark.parametrize(
    "call",
    [
        lambda: node_lines(0),
        lambda: pod_lines(0, seed=0, gpus=1),
        lambda: pod_lines(10, seed=0),
        lambda: pod_lines(10, seed=0, gpus=8, load=20),
        lambda: pod_lines(10, seed=0, timed=False, shares=(0.5, 0.5)),
        lambda: pod_lines(10, seed=0, timed=False, shares=(0.5, 0.5, 0.5, 0, 0, 0)),
        lambda: pod_lines(10, seed=0, timed=False, typed_share=1.5),
    ],
)
def test_impossible_sizes_are_refused(call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuleViolation):
        call()


def test_another_mix_shifts_the_pods_to_the_asked_shares() -> None:
    sharing = (0.0, 1.0, 0.0, 0.0, 0.0, 0.0)
    pods = load_pods(pod_lines(400, seed=2, timed=False, shares=sharing, typed_share=1), "p")
    assert all(p.num_gpu == 1 and 0 < p.gpu_milli < 1000 for p in pods)
    assert all(p.models for p in pods)
    untyped = load_pods(pod_lines(400, seed=2, timed=False, typed_share=0), "p")
    assert not any(p.models for p in untyped)
