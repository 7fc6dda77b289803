"""Replaying pods on a GPU-sharing cluster under one placement policy, and what it measures.

Events: at one instant, departures first (their resources are free for the arrivals of the same
second), then the waiting pods in arrival order, then the new arrivals in trace order. A pod that
fits nowhere waits (as an unschedulable Kubernetes pod is retried), and later pods may start
before it when they fit (no reservation). A pod that no empty node could ever hold is reported
unschedulable and never queued.

Retrying cheaply: resources only shrink between departures, so a waiting pod can only fit on a
node freed since it was last tried (the queue is not walked at all while nothing was freed),
and once a pod of one task shape (CPU, memory, GPUs, milli-GPU, models) fails at an instant,
every later pod of that shape fails too.

Measured over the arrival window (first to last arrival, so neither the start nor the drain
counts), each instant weighted by the time to the next:
- `allocated_gpu_share`: allocated milli-GPU / the cluster's (and `..._at_last_arrival`: the
  share once the last pod has arrived and been placed or queued, how full inflation got it);
- `fragmentation`: F(M) / free milli-GPU, where F is Weng et al.'s fragmentation for the trace's
  own task mix (fragmentation.py): the share of free GPU capacity that the jobs of the workload
  cannot use. (Measured against the waiting pods alone it would say nothing: a pod waits only
  when no node can hold it, so every free GPU is unusable to every waiting pod by construction.)
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from aisc.core.simulation.sharing.fragmentation import Workload
from aisc.core.simulation.sharing.model import Pod, SharedNode
from aisc.core.simulation.sharing.placement import Choice, SharedCluster, check_policy

TIMELINE_POINTS = 100
Shape = tuple[int, int, int, int, frozenset[str] | None]


@dataclass
class SharingResult:
    policy: str
    starts: dict[int, float] = field(default_factory=dict)
    placements: dict[int, Choice] = field(default_factory=dict)
    unschedulable: list[int] = field(default_factory=list)
    timeline: list[tuple[float, float, float]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)


def _shape(pod: Pod) -> Shape:
    return (pod.cpu_milli, pod.memory_mib, pod.num_gpu, pod.per_gpu, pod.models)


class SharingSimulator:
    def __init__(self, nodes: Sequence[SharedNode], pods: Sequence[Pod], policy: str) -> None:
        check_policy(policy)
        self.policy = policy
        self.pods = sorted(pods, key=lambda p: (p.arrival, p.id))
        self.cluster = SharedCluster(nodes, Workload.of(self.pods))
        self.result = SharingResult(policy)
        self.departures: list[tuple[float, int, Pod]] = []
        self.waiting: list[tuple[Pod, int]] = []  # the pod, and the freed-log length when tried
        self.freed: list[int] = []  # nodes, in the order resources came back to them
        self.retried_at = 0  # the freed-log length at the last retry pass
        self._points: list[tuple[float, float, float]] = []
        self._allocated_integral = self._frag_integral = self._free_integral = 0.0

    def run(self) -> SharingResult:
        arrivals, cursor, now = self.pods, 0, -math.inf
        window = (arrivals[0].arrival, arrivals[-1].arrival) if arrivals else (0.0, 0.0)
        while cursor < len(arrivals) or self.departures:
            next_arrival = arrivals[cursor].arrival if cursor < len(arrivals) else math.inf
            next_departure = self.departures[0][0] if self.departures else math.inf
            time = min(next_arrival, next_departure)
            self._measure(now, time, window)
            now = time
            failed: set[Shape] = set()
            while self.departures and self.departures[0][0] == time:
                self._depart(heapq.heappop(self.departures)[2])
            self._retry(time, failed)
            while cursor < len(arrivals) and arrivals[cursor].arrival == time:
                self._arrive(arrivals[cursor], time, failed)
                cursor += 1
            self._point(time)
        self._summarise(window)
        return self.result

    # ---- events --------------------------------------------------------------------------
    def _arrive(self, pod: Pod, time: float, failed: set[Shape]) -> None:
        if not self.cluster.could_ever_fit(pod):
            self.result.unschedulable.append(pod.id)
            return
        if _shape(pod) in failed or not self._try(pod, time, None):
            failed.add(_shape(pod))
            self.waiting.append((pod, len(self.freed)))

    def _retry(self, time: float, failed: set[Shape]) -> None:
        # after a pass every waiting pod has been tried against the whole log (and a pod that
        # arrives since is tried then): with nothing freed since, no pod could fit anywhere new,
        # and walking the queue at every arrival would cost O(waiting) per instant
        mark = len(self.freed)
        if not self.waiting or mark == self.retried_at:
            return
        self.retried_at = mark
        still: list[tuple[Pod, int]] = []
        for pod, seen in self.waiting:
            shape = _shape(pod)
            if shape in failed:  # one of its shape failed at this instant: so would it
                still.append((pod, mark))
                continue
            within = np.unique(np.array(self.freed[seen:], dtype=np.int64))
            if not self._try(pod, time, within):
                failed.add(shape)
                still.append((pod, mark))
        self.waiting = still

    def _try(self, pod: Pod, time: float, within: np.ndarray | None) -> bool:
        choice = self.cluster.choose(self.policy, pod, within)
        if choice is None:
            return False
        self.cluster.take(pod, choice)
        self.result.starts[pod.id] = time
        self.result.placements[pod.id] = choice
        if pod.ends:
            heapq.heappush(self.departures, (time + pod.duration, pod.id, pod))
        return True

    def _depart(self, pod: Pod) -> None:
        choice = self.result.placements[pod.id]
        self.cluster.give_back(pod, choice)
        self.freed.append(choice[0])

    # ---- measuring -----------------------------------------------------------------------
    def _measure(self, start: float, end: float, window: tuple[float, float]) -> None:
        low, high = max(start, window[0]), min(end, window[1])
        if high <= low:
            return
        span, cluster = high - low, self.cluster
        free = float(cluster.free_milli)
        self._allocated_integral += span * (cluster.total_gpu_milli - free)
        self._free_integral += span * free
        self._frag_integral += span * float(cluster.frag.sum())

    def _point(self, time: float) -> None:
        cluster = self.cluster
        free = float(cluster.free_milli)
        share = float(cluster.frag.sum()) / free if free else 0.0
        self._points.append((time, share, 1.0 - free / cluster.total_gpu_milli))

    def _summarise(self, window: tuple[float, float]) -> None:
        result, cluster = self.result, self.cluster
        span = window[1] - window[0]
        capacity = cluster.total_gpu_milli * span
        waits = [result.starts[p.id] - p.arrival for p in self.pods if p.id in result.starts]
        last = next((p for p in reversed(self._points) if p[0] <= window[1]), (0.0, 0.0, 0.0))
        step = max(1, math.ceil(len(self._points) / TIMELINE_POINTS))
        result.timeline = self._points[::step]
        result.summary = {
            "policy": self.policy,
            "nodes": len(cluster.nodes),
            "gpus": cluster.total_gpu_milli // 1000,
            "pods": len(self.pods),
            "placed": len(result.starts),
            "waiting_at_end": len(self.waiting),
            "unschedulable": len(result.unschedulable),
            "avg_wait_s": float(np.mean(waits)) if waits else 0.0,
            "window_s": span,
            "allocated_gpu_share": self._allocated_integral / capacity if capacity else 0.0,
            "fragmentation": self._frag_integral / self._free_integral
            if self._free_integral
            else 0.0,
            "task_types": len(cluster.workload.types),
            # the cluster as the last pod arrived: with workload inflation, how full it got
            "allocated_gpu_share_at_last_arrival": last[2],
            "fragmentation_at_last_arrival": last[1],
        }


def simulate_sharing(
    nodes: Sequence[SharedNode], pods: Sequence[Pod], policy: str
) -> SharingResult:
    return SharingSimulator(nodes, pods, policy).run()
