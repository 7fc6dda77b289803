"""Weng et al.'s fragmentation, worked by hand on one node: free GPU capacity is a fragment for a
task where that task cannot use it."""

import numpy as np
import pytest

from aisc.core.simulation.sharing.fragmentation import MAX_TYPES, TaskType, Workload, fragmentation
from aisc.core.simulation.sharing.model import Pod


def node(free: list[int], cpu: int = 32000, mem: int = 65536) -> tuple[np.ndarray, ...]:
    return np.array([free]), np.array([cpu]), np.array([mem]), np.array([0])


def measure(task: TaskType, free: list[int], cpu: int = 32000, models: list[str] = ["t4"]) -> float:  # noqa: B006
    workload = Workload([task]).bind(models, np.array([0]))
    f, c, m, model = node(free, cpu)
    return float(fragmentation(workload, f, c, m, model)[0])


def task(
    num_gpu: int, per_gpu: int, cpu: int = 1000, models: frozenset[str] | None = None
) -> TaskType:
    return TaskType(num_gpu, per_gpu, cpu, 1024, models, 1.0)


def test_a_gpu_with_less_free_than_the_task_asks_is_a_fragment_for_it() -> None:
    assert measure(task(1, 500), [1000, 400]) == 400  # the 400 cannot hold 500
    assert measure(task(1, 300), [1000, 400]) == 0  # both GPUs can hold 300


def test_a_task_the_node_cannot_hold_sees_all_its_free_gpus_as_fragments() -> None:
    assert measure(task(2, 1000), [1000, 400]) == 1400  # needs two whole GPUs, one is whole
    assert measure(task(1, 500, cpu=64000), [1000, 400]) == 1400  # not enough CPU
    assert measure(task(1, 500, models=frozenset({"g2"})), [1000, 400]) == 1400  # wrong model


def test_a_task_without_gpus_sees_every_free_gpu_as_a_fragment() -> None:
    assert measure(task(0, 0), [1000, 400, -1]) == 1400  # -1: a slot the node does not have


def test_the_node_fragmentation_is_the_expectation_over_the_task_mix() -> None:
    mix = Workload(
        [TaskType(1, 500, 1000, 1024, None, 0.5), TaskType(1, 300, 1000, 1024, None, 0.5)]
    )
    f, c, m, model = node([1000, 400])
    assert fragmentation(mix.bind(["t4"], model), f, c, m, model)[0] == pytest.approx(200)


def pod(i: int, num_gpu: int, milli: int, cpu: int, models: frozenset[str] | None = None) -> Pod:
    return Pod(i, f"p{i}", float(i), float("inf"), cpu, 2048, num_gpu, milli, models)


def test_the_task_mix_groups_pods_by_gpu_shape_with_median_cpu_and_shares() -> None:
    pods = [pod(0, 1, 500, 1000), pod(1, 1, 500, 3000), pod(2, 1, 500, 8000), pod(3, 0, 0, 500)]
    workload = Workload.of(pods)
    first = workload.types[0]
    assert (first.num_gpu, first.per_gpu, first.cpu_milli, first.weight) == (1, 500, 3000, 0.75)
    assert workload.types[1].weight == 0.25


def test_only_the_most_common_task_types_are_kept_and_reweighted() -> None:
    pods = [pod(i, 1, 1 + i, 1000) for i in range(MAX_TYPES + 8)]
    pods += [pod(100 + i, 1, 1, 1000) for i in range(8)]
    workload = Workload.of(pods)
    assert len(workload.types) == MAX_TYPES
    assert sum(t.weight for t in workload.types) == pytest.approx(1.0)
    assert workload.types[0].per_gpu == 1
    assert workload.types[0].weight == pytest.approx(9 / 40)


def test_every_task_type_at_once_adds_up_as_one_type_at_a_time_to_the_last_bit() -> None:
    # The types are scored as one table; the per-node sum must be the same floating-point sum
    # as adding the types one by one in order, or FGD's ties could break differently.
    rng = np.random.default_rng(7)
    models = ["g2", "p100", "t4"]
    types = [
        TaskType(
            int(g),
            int(p) if g == 1 else (1000 if g else 0),
            int(c),
            int(m),
            frozenset({models[int(k)]}) if k < 3 else None,
            float(w),
        )
        for g, p, c, m, k, w in zip(
            rng.choice([0, 1, 1, 2, 4], 20),
            rng.integers(1, 10, 20) * 100,
            rng.integers(1, 16, 20) * 1000,
            rng.integers(1, 64, 20) * 1024,
            rng.integers(0, 5, 20),
            rng.dirichlet(np.ones(20)),
            strict=True,
        )
    ]
    rows = 400
    model = rng.integers(0, 3, rows)
    free = rng.integers(-1, 11, (rows, 4)) * 100
    cpu, mem = rng.integers(0, 32, rows) * 1000, rng.integers(0, 128, rows) * 1024
    together = fragmentation(Workload(types).bind(models, model), free, cpu, mem, model)
    one_by_one = np.zeros(rows)
    for t in types:
        alone = Workload([TaskType(t.num_gpu, t.per_gpu, t.cpu_milli, t.memory_mib, t.models, 1)])
        one_by_one += t.weight * fragmentation(alone.bind(models, model), free, cpu, mem, model)
    assert np.array_equal(together, one_by_one)
    assert together.min() < together.max()  # the rows differ: the check compared something


def test_a_workload_without_task_types_sees_no_fragments() -> None:
    f, c, m, model = node([1000, 400])
    assert fragmentation(Workload([]).bind(["t4"], model), f, c, m, model).tolist() == [0.0]
