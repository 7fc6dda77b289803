"""Placement on a GPU-sharing cluster: every policy respects CPU, memory, GPU models and free
milli-GPU; first-fit takes the first node, best-fit the fullest, and FGD the node where the
workload's fragmentation grows least (Weng et al., ATC'23)."""

from typing import Any

import numpy as np
import pytest

from aisc.core.errors import RuleViolation
from aisc.core.simulation.sharing.fragmentation import Workload
from aisc.core.simulation.sharing.model import Pod, SharedNode
from aisc.core.simulation.sharing.placement import SharedCluster, check_policy


def pod(i: int, num_gpu: int, milli: int, cpu: int = 1000, models: set[str] | None = None) -> Pod:
    allowed = None if models is None else frozenset(models)
    return Pod(i, f"p{i}", 0.0, float("inf"), cpu, 1024, num_gpu, milli, allowed)


def cluster(*gpus: int, mix: list[Pod] | None = None, model: str = "T4") -> SharedCluster:
    nodes = [SharedNode(f"n{i}", 32000, 65536, g, model) for i, g in enumerate(gpus)]
    return SharedCluster(nodes, Workload.of(mix or [pod(0, 1, 500)]))


def test_fgd_keeps_a_gpu_whole_where_best_fit_strands_a_fragment() -> None:
    # Node 0 has 700 milli-GPU free, node 1 a whole GPU; the workload is 500-milli tasks.
    # Best-fit fills node 0 and strands 200 that no 500-task can use; FGD takes node 1, whose
    # 500 left still serve one.
    for policy, expected in (("best-fit", 0), ("fgd", 1)):
        state = cluster(1, 1)
        state.take(pod(9, 1, 300), (0, (0,)))
        choice = state.choose(policy, pod(1, 1, 500))
        assert choice == (expected, (0,))
        state.take(pod(1, 1, 500), choice)
        assert state.frag.sum() == (200 if policy == "best-fit" else 0)


def test_first_fit_takes_the_first_node_and_gpu_that_hold_the_pod() -> None:
    state = cluster(2, 2)
    state.take(pod(9, 1, 600), (0, (0,)))
    assert state.choose("first-fit", pod(1, 1, 500)) == (0, (1,))
    assert state.choose("best-fit", pod(1, 1, 300)) == (0, (0,))  # the fullest GPU that fits


def test_a_multi_gpu_pod_takes_wholly_free_gpus_under_every_policy() -> None:
    for policy in ("first-fit", "best-fit", "fgd"):
        state = cluster(4, 2)
        state.take(pod(9, 1, 100), (0, (1,)))
        assert state.choose(policy, pod(1, 2, 1000)) in ((0, (0, 2)), (1, (0, 1)))
        assert state.choose(policy, pod(2, 4, 1000)) is None


def test_a_pod_without_gpus_needs_only_cpu_and_memory() -> None:
    state = cluster(1, 1, mix=[pod(0, 0, 0)])
    for policy in ("first-fit", "best-fit", "fgd"):
        assert state.choose(policy, pod(1, 0, 0, cpu=4000)) == (0, ())
    assert state.choose("fgd", pod(1, 0, 0, cpu=64000)) is None


def test_gpu_models_restrict_where_a_pod_may_go_in_any_case() -> None:
    nodes = [SharedNode("a", 32000, 65536, 1, "T4"), SharedNode("b", 32000, 65536, 1, "V100M16")]
    state = SharedCluster(nodes, Workload.of([pod(0, 1, 500)]))
    assert state.choose("first-fit", pod(1, 1, 500, models={"V100M16"})) == (1, (0,))
    assert state.could_ever_fit(pod(1, 1, 500, models={"G3"})) is False
    assert state.could_ever_fit(pod(1, 2, 1000)) is False  # no node has two GPUs


def test_a_search_within_given_nodes_looks_nowhere_else() -> None:
    state = cluster(1, 1, 1)
    assert state.choose("first-fit", pod(1, 1, 500), np.array([2])) == (2, (0,))


def test_giving_back_restores_the_resources_and_the_fragmentation() -> None:
    state = cluster(1)
    before: tuple[Any, ...] = (
        state.free.copy(),
        state.cpu.copy(),
        state.frag.copy(),
        state.free_milli,
    )
    choice = (0, (0,))
    state.take(pod(1, 1, 700), choice)
    assert state.free_milli == 300
    assert state.frag[0] == 300
    state.give_back(pod(1, 1, 700), choice)
    after: tuple[Any, ...] = (state.free, state.cpu, state.frag, state.free_milli)
    assert all(np.array_equal(x, y) for x, y in zip(before, after, strict=True))


def test_an_empty_node_list_or_an_unknown_policy_is_refused() -> None:
    with pytest.raises(RuleViolation) as caught:
        SharedCluster([], Workload.of([]))
    assert caught.value.field == "nodes"
    with pytest.raises(RuleViolation) as caught:
        check_policy("worst-fit")
    assert "fgd, best-fit, first-fit" in caught.value.message


def test_a_node_with_impossible_resources_is_refused() -> None:
    with pytest.raises(RuleViolation, match="CPU and memory must be >= 0"):
        SharedNode("n", -1, 1, 1, "t4")


def test_fgd_tries_alike_gpus_of_a_node_once_and_takes_the_first() -> None:
    state = cluster(4)
    assert state.choose("fgd", pod(1, 1, 500)) == (0, (0,))
    state.take(pod(1, 1, 500), (0, (0,)))
    # another 500 fills GPU 0 exactly (no fragment) rather than halving a whole GPU
    assert state.choose("fgd", pod(2, 1, 500)) == (0, (0,))


def test_fgd_takes_the_node_and_gpu_where_the_clusters_fragmentation_grows_least() -> None:
    # Against the definition, by trying every choice: many nodes start alike and fgd scores
    # each distinct state once, so this also checks that the shortcut changes no choice.
    rng = np.random.default_rng(3)
    mix = [
        pod(i, int(g), int(m))
        for i, (g, m) in enumerate(zip([1, 1, 1, 2, 0], [300, 500, 1000, 1000, 0], strict=True))
    ]
    nodes = [
        SharedNode(f"n{i}", 8000, 65536, int(g), "T4")
        for i, g in enumerate(rng.choice([1, 2, 4], 12))
    ]
    state = SharedCluster(nodes, Workload.of(mix))
    for i in range(40):
        g = int(rng.choice([0, 1, 1, 1, 2]))
        p = pod(
            100 + i,
            g,
            int(rng.integers(1, 11)) * 100 if g == 1 else 1000 * g // max(g, 1),
            cpu=int(rng.integers(1, 4)) * 1000,
        )
        options = []
        for node in state.feasible(p):
            gpus = (
                np.flatnonzero(state.free[node] >= p.per_gpu)
                if p.num_gpu
                else np.array([], dtype=int)
            )
            picks = (
                [(int(s),) for s in gpus]
                if p.num_gpu == 1
                else [tuple(int(s) for s in gpus[: p.num_gpu])]
            )
            for slots in picks:
                before = state.frag.sum()
                state.take(p, (int(node), slots))
                options.append((round(float(state.frag.sum() - before), 6), int(node), slots))
                state.give_back(p, (int(node), slots))
        choice = state.choose("fgd", p)
        if not options:
            assert choice is None
            continue
        least = min(o[0] for o in options)
        assert choice is not None
        assert (least, choice[0], choice[1]) in options
        assert choice[0] == min(o[1] for o in options if o[0] == least)
        state.take(p, choice)
