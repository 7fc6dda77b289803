"""Where a pod goes: first-fit, best-fit and fragmentation gradient descent (FGD).

The cluster's state is numpy arrays: free milli-GPU per GPU slot (`-1` where a node has no such
GPU), free CPU and memory per node. A pod fits a node when the node has its CPU and memory, its
GPU model is allowed, and `num_gpu` of its GPUs each have `per_gpu` milli-GPU free (a sharing pod
needs one GPU with its fraction free; a whole-GPU pod needs wholly free GPUs).

- **first-fit**: the lowest-numbered node that fits; on it, the lowest-numbered GPUs that fit.
- **best-fit**: the node left with the least resources, as the sum of its free GPU, CPU and
  memory shares after placing (equal weights; the FGD paper's "Best-fit" baseline also scores a
  weighted sum of the resource dimensions); a sharing pod takes the GPU with the least free
  capacity that still holds it.
- **fgd**: Weng et al., "Beware of Fragmentation: Scheduling GPU-Sharing Workloads with
  Fragmentation Gradient Descent", USENIX ATC'23, §4. For every node and GPU choice the pod fits,
  the growth of the node's fragmentation F_n(M) (fragmentation.py) is computed, and the pod goes
  where it grows least: a greedy step along the steepest descent of the cluster's fragmentation.
  Ties go to the lowest-numbered node and GPU.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from aisc.core.errors import RuleViolation
from aisc.core.simulation.sharing.fragmentation import Workload, fragmentation
from aisc.core.simulation.sharing.model import WHOLE, Pod, SharedNode

POLICIES = ("fgd", "best-fit", "first-fit")
# (node index, GPU slots taken)
Choice = tuple[int, tuple[int, ...]]


class SharedCluster:
    """Free resources per node and per GPU; the fragmentation of every node, kept current."""

    def __init__(self, nodes: Sequence[SharedNode], workload: Workload) -> None:
        if not nodes:
            raise RuleViolation("the node list is empty", field="nodes")
        self.nodes = list(nodes)
        self.models = sorted({n.model for n in nodes})
        self.model = np.array([self.models.index(n.model) for n in nodes], dtype=np.int64)
        width = max(1, max(n.gpus for n in nodes))
        self.free = np.full((len(nodes), width), -1, dtype=np.int64)
        for i, node in enumerate(nodes):
            self.free[i, : node.gpus] = WHOLE
        self.cpu_cap = np.array([n.cpu_milli for n in nodes], dtype=np.int64)
        self.mem_cap = np.array([n.memory_mib for n in nodes], dtype=np.int64)
        self.gpu_cap = np.array([n.gpus * WHOLE for n in nodes], dtype=np.int64)
        self.cpu = self.cpu_cap.copy()
        self.mem = self.mem_cap.copy()
        self.total_gpu_milli = int(self.gpu_cap.sum())
        self.workload = workload.bind(self.models, self.model)
        self.frag = fragmentation(self.workload, self.free, self.cpu, self.mem, self.model)
        self.free_milli = self.total_gpu_milli

    # ---- what fits -----------------------------------------------------------------------
    def model_mask(self, pod: Pod) -> np.ndarray:
        if pod.models is None:
            return np.ones(len(self.nodes), dtype=bool)
        allowed = [i for i, m in enumerate(self.models) if m in pod.models]
        return np.isin(self.model, allowed)

    def feasible(self, pod: Pod, within: np.ndarray | None = None) -> np.ndarray:
        """Indices of the nodes (of `within`, or all) that the pod fits now."""
        rows = np.arange(len(self.nodes)) if within is None else within
        ok = (self.cpu[rows] >= pod.cpu_milli) & (self.mem[rows] >= pod.memory_mib)
        ok &= self.model_mask(pod)[rows]
        if pod.num_gpu:
            ok &= (self.free[rows] >= pod.per_gpu).sum(axis=1) >= pod.num_gpu
        fitting: np.ndarray = rows[ok]
        return fitting

    def could_ever_fit(self, pod: Pod) -> bool:
        ok = (self.cpu_cap >= pod.cpu_milli) & (self.mem_cap >= pod.memory_mib)
        ok &= self.model_mask(pod)
        ok &= self.gpu_cap >= pod.num_gpu * WHOLE
        return bool(ok.any())

    # ---- changing it ---------------------------------------------------------------------
    def take(self, pod: Pod, choice: Choice) -> None:
        self._apply(pod, choice, -1)

    def give_back(self, pod: Pod, choice: Choice) -> None:
        self._apply(pod, choice, 1)

    def _apply(self, pod: Pod, choice: Choice, sign: int) -> None:
        node, slots = choice
        self.cpu[node] += sign * pod.cpu_milli
        self.mem[node] += sign * pod.memory_mib
        for slot in slots:
            self.free[node, slot] += sign * pod.per_gpu
        self.free_milli += sign * pod.gpu_demand
        row = slice(node, node + 1)
        self.frag[node] = fragmentation(
            self.workload, self.free[row], self.cpu[row], self.mem[row], self.model[row]
        )[0]

    # ---- choosing ------------------------------------------------------------------------
    def choose(self, policy: str, pod: Pod, within: np.ndarray | None = None) -> Choice | None:
        nodes = self.feasible(pod, within)
        if len(nodes) == 0:
            return None
        if policy == "first-fit":
            node = int(nodes.min())
            return node, self._slots(pod, node, best=False)
        if policy == "best-fit":
            return self._best_fit(pod, nodes)
        return self._fgd(pod, np.sort(nodes))

    def _slots(self, pod: Pod, node: int, best: bool) -> tuple[int, ...]:
        if pod.num_gpu == 0:
            return ()
        free = self.free[node]
        fits = np.flatnonzero(free >= pod.per_gpu)
        if best:  # the fullest GPU that still holds it; stable, so the lowest-numbered of equals
            fits = fits[np.argsort(free[fits], kind="stable")]
        return tuple(int(s) for s in fits[: pod.num_gpu])

    def _best_fit(self, pod: Pod, nodes: np.ndarray) -> Choice:
        nodes = np.sort(nodes)
        left = (self.cpu[nodes] - pod.cpu_milli) / np.maximum(self.cpu_cap[nodes], 1)
        left = left + (self.mem[nodes] - pod.memory_mib) / np.maximum(self.mem_cap[nodes], 1)
        gpu_free = np.clip(self.free[nodes], 0, None).sum(axis=1) - pod.gpu_demand
        left = left + gpu_free / np.maximum(self.gpu_cap[nodes], 1)
        node = int(nodes[int(np.argmin(left))])
        return node, self._slots(pod, node, best=True)

    def _fgd(self, pod: Pod, nodes: np.ndarray) -> Choice:
        free = self.free[nodes]
        if pod.num_gpu == 1 and pod.per_gpu < WHOLE:  # sharing: every GPU it fits is a choice
            # GPUs of one node with the same free capacity are alike: the first stands for all
            alike = np.zeros_like(free, dtype=bool)
            for j in range(1, free.shape[1]):
                alike[:, j] = (free[:, :j] == free[:, j : j + 1]).any(axis=1)
            row, slot = np.nonzero((free >= pod.per_gpu) & ~alike)
            after = free[row].copy()
            after[np.arange(len(row)), slot] -= pod.per_gpu
            slots = slot[:, None]
        else:  # no GPU, or whole GPUs: all wholly free GPUs of a node are alike; take the first
            row = np.arange(len(nodes))
            after = free.copy()
            slots = np.argsort(free < WHOLE, axis=1, kind="stable")[:, : pod.num_gpu]
            if pod.num_gpu:
                after[row[:, None], slots] -= WHOLE
        where = nodes[row]
        # many candidates end in the same state (empty nodes of one shape, above all): each
        # state's fragmentation is computed once; a row's figure depends on that row alone
        width = after.shape[1]
        state = np.column_stack(
            (
                after,
                self.cpu[where] - pod.cpu_milli,
                self.mem[where] - pod.memory_mib,
                self.model[where],
            )
        )
        # rows sorted by their columns, a new state wherever a row differs from the one before
        # (np.unique(axis=0) would sort the rows as opaque records, many times slower)
        order = np.lexsort(state.T)
        ranked = state[order]
        fresh = np.ones(len(ranked), dtype=bool)
        fresh[1:] = (ranked[1:] != ranked[:-1]).any(axis=1)
        unique = ranked[fresh]
        inverse = np.empty(len(ranked), dtype=np.int64)
        inverse[order] = np.cumsum(fresh) - 1
        grown = fragmentation(
            self.workload,
            unique[:, :width],
            unique[:, width],
            unique[:, width + 1],
            unique[:, width + 2],
        )[inverse]
        delta = np.round(grown - self.frag[where], 6)
        best = int(np.argmin(delta))  # first of the least: lowest node, then lowest GPU
        return int(where[best]), tuple(int(s) for s in slots[best])


def check_policy(policy: str) -> None:
    if policy not in POLICIES:
        raise RuleViolation(
            "unknown placement policy %(policy)s for GPU sharing; use one of %(policies)s",
            field="policy",
            params={"policy": f"{policy!r}", "policies": ", ".join(POLICIES)},
        )
