"""Reduce a run to its figures: JCT, waits, slowdown, utilisation, fragmentation, fairness.

Definitions (docs/simulator.md):
- JCT = end - submit; wait = first start - submit; over jobs that ended (done or cut at limit).
- bounded slowdown = max(1, JCT / max(ideal, 10 s)), ideal = run time alone on the fastest
  allowed chip (Feitelson's bound keeps tiny jobs from dominating).
- utilisation = allocated GPU-seconds / (GPUs x makespan), makespan = last end - first submit.
- steady utilisation = the same over the arrival window less its first quarter (warm-up), i.e.
  from first submit + 25 % of (last submit - first submit) to the last submit: the cluster while
  jobs keep arriving, without the ramp-up and without the drain after the last arrival.
- fragmentation = time-integral of free GPUs stranded on partly used nodes / of all free GPUs.
- finish-time fairness (Themis) rho = JCT / (ideal x max(1, gpus x N_avg / N)), N_avg the mean
  number of jobs present (running + waiting), i.e. JCT against a private 1/N_avg of the cluster.
- share received per project = its GPU-seconds / all GPU-seconds; entitled = its allocation share.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from aisc.core.scheduling.model import ClusterSpec
from aisc.core.simulation.records import Outcome, RunRecord, Timeline

SLOWDOWN_BOUND_S = 10.0


def summarise(record: RunRecord, timeline: Timeline, cluster: ClusterSpec) -> dict[str, Any]:
    cols = record.columns()
    ended = (cols["outcome"] == Outcome.DONE) | (cols["outcome"] == Outcome.TIMEOUT)
    submit, start, end = cols["submit"][ended], cols["start"][ended], cols["end"][ended]
    ideal, gpus = cols["ideal"][ended], cols["gpus"][ended]
    jct, wait = end - submit, start - submit
    span_start = float(submit.min()) if len(submit) else 0.0
    makespan = float(end.max()) - span_start if len(end) else 0.0
    curve = _integrals(timeline, cluster.gpus)
    n_avg = curve["present"] / makespan if makespan > 0 else 0.0
    rho = jct / np.maximum(ideal, 1e-9) / np.maximum(1.0, gpus * n_avg / cluster.gpus)
    return {
        "jobs": int(ended.sum()),
        "avg_jct_s": _mean(jct),
        "p50_jct_s": _pct(jct, 50),
        "p95_jct_s": _pct(jct, 95),
        "p99_jct_s": _pct(jct, 99),
        "avg_wait_s": _mean(wait),
        "p95_wait_s": _pct(wait, 95),
        "p99_wait_s": _pct(wait, 99),
        "avg_bounded_slowdown": _mean(np.maximum(1.0, jct / np.maximum(ideal, SLOWDOWN_BOUND_S))),
        "utilization": curve["allocated"] / (cluster.gpus * makespan) if makespan > 0 else 0.0,
        "steady_utilization": steady_utilization(timeline, submit, cluster.gpus),
        "makespan_s": makespan,
        "avg_queue_length": curve["pending"] / makespan if makespan > 0 else 0.0,
        "fragmentation": curve["stranded"] / curve["free"] if curve["free"] > 0 else 0.0,
        "max_ftf_rho": float(rho.max()) if len(rho) else 0.0,
        "unfair_fraction": float((rho > 1.0).mean()) if len(rho) else 0.0,
        "unschedulable": int((cols["outcome"] == Outcome.UNSCHEDULABLE).sum()),
        "timeouts": int((cols["outcome"] == Outcome.TIMEOUT).sum()),
        "preemptions": int(cols["preemptions"].sum()),
        "shares": project_shares(record, cluster),
    }


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else 0.0


def _pct(values: np.ndarray, q: float) -> float:
    return float(np.percentile(values, q)) if len(values) else 0.0


def _integrals(timeline: Timeline, total_gpus: int) -> dict[str, float]:
    """Integrals over time of the timeline's step functions, up to its last point."""
    time = np.frombuffer(timeline.time, dtype=np.float64)
    if len(time) < 2:
        return dict.fromkeys(("allocated", "stranded", "free", "pending", "present"), 0.0)
    dt = np.diff(time)
    allocated = np.frombuffer(timeline.allocated, dtype=np.int64)[:-1]
    running = np.frombuffer(timeline.running, dtype=np.int64)[:-1]
    pending = np.frombuffer(timeline.pending, dtype=np.int64)[:-1]
    return {
        "allocated": float(np.dot(allocated, dt)),
        "stranded": float(np.dot(np.frombuffer(timeline.stranded, dtype=np.int64)[:-1], dt)),
        "free": float(np.dot(total_gpus - allocated, dt)),
        "pending": float(np.dot(pending, dt)),
        "present": float(np.dot(pending + running, dt)),
    }


WARM_UP_FRACTION = 0.25


def steady_utilization(timeline: Timeline, submit: np.ndarray, total_gpus: int) -> float:
    """Allocated GPUs / all GPUs, averaged over the arrival window after its warm-up quarter."""
    if len(submit) < 2:
        return 0.0
    first, last = float(submit.min()), float(submit.max())
    begin = first + WARM_UP_FRACTION * (last - first)
    if last <= begin:
        return 0.0
    time = np.clip(np.frombuffer(timeline.time, dtype=np.float64), begin, last)
    allocated = np.frombuffer(timeline.allocated, dtype=np.int64)[:-1]
    return float(np.dot(allocated, np.diff(time))) / (total_gpus * (last - begin))


def project_shares(record: RunRecord, cluster: ClusterSpec) -> dict[str, dict[str, float]]:
    """GPU time each project received against the share its allocation entitles it to."""
    gpu_s = np.frombuffer(record.gpu_seconds, dtype=np.float64)
    jobs = np.flatnonzero(gpu_s > 0)
    if not len(jobs):
        return {}
    received: dict[str, float] = {}
    for job, amount in zip(jobs.tolist(), gpu_s[jobs].tolist(), strict=True):
        project = record.project[job]
        received[project] = received.get(project, 0.0) + amount
    total = sum(received.values()) or 1.0
    shares = {p: cluster.shares.get(p, 1.0 if not cluster.shares else 0.0) for p in received}
    share_total = sum(shares.values()) or 1.0
    return {
        p: {"received": received[p] / total, "entitled": shares[p] / share_total}
        for p in sorted(received)
    }
