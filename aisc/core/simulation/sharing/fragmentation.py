"""The fragmentation measure of Weng et al. (USENIX ATC'23, "Beware of Fragmentation: Scheduling
GPU-Sharing Workloads with Fragmentation Gradient Descent", §3).

A node's free GPU capacity is *fragmented for a task* where the task cannot use it:
- if the task cannot run on the node at all (not enough CPU or memory, a GPU model it does not
  accept, too few GPUs with enough free capacity), or asks no GPU, all of the node's free GPU
  capacity is fragmented for it;
- otherwise the free capacity of each GPU with less free than the task asks per GPU is (a GPU
  at 400 free milli-GPU is a fragment for a task of 500, usable by one of 300).
The fragmentation of node n for a workload M is the expectation over M's task types,
F_n(M) = sum_m p_m F_n(m), with p_m the share of tasks of type m; the cluster's is the sum over
nodes. FGD places each task where F grows least.

The workload M is the trace's own task mix: tasks grouped by (GPUs, milli-GPU per GPU, allowed
models), each group weighted by its share of the pods and represented by its median CPU and
memory (our simplification: the paper's simulator weighs individual typical tasks). Only the
`MAX_TYPES` most common types are kept, reweighted to sum to 1, so one placement costs
O(types x candidate GPUs) rather than O(pods).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from aisc.core.simulation.sharing.model import Pod

MAX_TYPES = 32
TaskKey = tuple[int, int, frozenset[str] | None]


@dataclass(frozen=True)
class TaskType:
    num_gpu: int
    per_gpu: int
    cpu_milli: int
    memory_mib: int
    models: frozenset[str] | None
    weight: float


@dataclass
class Workload:
    types: list[TaskType]
    # bound to a cluster: per type, which of the cluster's GPU models it accepts (types x models)
    accepts: np.ndarray | None = None

    def __post_init__(self) -> None:
        # the task types as columns, so that one numpy expression scores every type at once
        def column(name: str, dtype: type) -> np.ndarray:
            return np.array([getattr(t, name) for t in self.types], dtype=dtype)[:, None]

        self.num_gpu = column("num_gpu", np.int64)
        self.per_gpu = column("per_gpu", np.int64)[:, :, None]
        self.cpu_milli = column("cpu_milli", np.int64)
        self.memory_mib = column("memory_mib", np.int64)
        self.weight = column("weight", np.float64)
        self.gpu_task = self.num_gpu > 0

    @classmethod
    def of(cls, pods: Sequence[Pod]) -> Workload:
        groups: dict[TaskKey, list[Pod]] = defaultdict(list)
        for pod in pods:
            groups[(pod.num_gpu, pod.per_gpu, pod.models)].append(pod)
        counts = Counter({key: len(members) for key, members in groups.items()})
        kept = [key for key, _ in counts.most_common(MAX_TYPES)]
        total = sum(counts[key] for key in kept)
        types = []
        for key in kept:
            members = groups[key]
            types.append(
                TaskType(
                    key[0],
                    key[1],
                    int(np.median([p.cpu_milli for p in members])),
                    int(np.median([p.memory_mib for p in members])),
                    key[2],
                    counts[key] / total,
                )
            )
        return cls(types)

    def bind(self, models: list[str], node_model: np.ndarray) -> Workload:
        accepts = np.ones((len(self.types), len(models)), dtype=bool)
        for row, task in enumerate(self.types):
            if task.models is not None:
                accepts[row] = [m in task.models for m in models]
        return Workload(self.types, accepts)


def fragmentation(
    workload: Workload,
    free: np.ndarray,
    cpu: np.ndarray,
    mem: np.ndarray,
    model: np.ndarray,
) -> np.ndarray:
    """F_n(M) in milli-GPU for each row (node, or a node as it would be after a placement).

    Every task type at once, as a (types x rows) table; its rows are added in type order, so
    the sum is the same floating-point sum as adding the types one by one."""
    w = workload
    assert w.accepts is not None  # bound to the cluster's models
    usable = np.clip(free, 0, None)
    total = usable.sum(axis=1).astype(np.float64)
    enough = free >= w.per_gpu  # types x rows x GPUs
    hosts = (cpu >= w.cpu_milli) & (mem >= w.memory_mib) & w.accepts[:, model]
    hosts &= (enough.sum(axis=2) >= w.num_gpu) & w.gpu_task
    stranded = np.where(enough, 0, usable).sum(axis=2)
    per_type = w.weight * np.where(hosts, stranded, total)
    result: np.ndarray = np.add.reduce(per_type, axis=0)  # no types: zeros
    return result
