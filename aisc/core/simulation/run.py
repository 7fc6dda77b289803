"""One call from a trace, a cluster and a policy name to the run's record and figures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aisc.core.scheduling.model import ClusterSpec
from aisc.core.scheduling.policies import make_policy
from aisc.core.scheduling.policy import PolicyOptions
from aisc.core.simulation.engine import Simulator
from aisc.core.simulation.metrics import summarise
from aisc.core.simulation.records import RunRecord, Timeline
from aisc.core.simulation.traces.base import Trace


@dataclass
class SimulationResult:
    policy: str
    cluster: ClusterSpec
    trace: Trace
    record: RunRecord
    timeline: Timeline
    summary: dict[str, Any]


def simulate(
    trace: Trace,
    cluster: ClusterSpec,
    policy: str,
    options: PolicyOptions | None = None,
    progress: Callable[[int], None] | None = None,
    *,
    keep_segments: bool = True,
    end_at: Callable[[float, float], float] | None = None,
) -> SimulationResult:
    """`keep_segments=False` keeps per-job GPU-seconds instead of every run segment; `end_at`:
    when a job started at a time for a run time ends (the engine's; None: their sum)."""
    sim = Simulator(
        cluster,
        make_policy(policy, cluster, options),
        trace,
        keep_segments=keep_segments,
        end_at=end_at,
    )
    sim.run(progress)
    summary = summarise(sim.record, sim.timeline, cluster)
    summary["skipped_lines"] = len(trace.skipped)
    return SimulationResult(policy, cluster, trace, sim.record, sim.timeline, summary)
