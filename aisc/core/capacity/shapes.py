"""Run times from a public trace, per project size, instead of a log-normal.

A shape may name a trace (`trace = "philly"`): a project's jobs then draw their run times from
the trace's jobs whose gang falls in the project's size class (the job's GPUs over the chip's
GPUs per node, against the classes' `max_nodes`), resampled with the seed's generator and cut at
the shape's `max_h` and the project's window. A size with fewer than MIN_JOBS such jobs takes in
the neighbouring sizes' jobs, smaller ones first, until it has MIN_JOBS: the Philly digest holds
9 jobs wider than 32 GPUs among its 82,247.

The trace's text is read by the caller (the CLI finds it through AISC_TRACE_DIR, docs/traces.md)
and handed in as `TraceJobs`; this module does no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from aisc.core.simulation.traces import philly

# The traces a shape may name, and where each lies under AISC_TRACE_DIR (docs/traces.md).
TRACES: Mapping[str, str] = {"philly": "sia/traces/philly.csv"}
MIN_JOBS = 50
HOUR = 3600.0


@dataclass(frozen=True, eq=False)
class TraceJobs:
    """A trace's jobs: GPUs and run time in hours, those with a run time only."""

    name: str
    gpus: np.ndarray
    hours: np.ndarray

    def pool(self, size_index: int, gpus_per_node: int, max_nodes: list[int]) -> np.ndarray:
        """Run times (hours) of the jobs of the size at `size_index` (sizes ordered small to
        large, `max_nodes` each), widened to neighbouring sizes until MIN_JOBS."""
        nodes = -(-self.gpus // gpus_per_node)
        band = np.searchsorted(np.array(max_nodes[:-1]), nodes, side="left")
        order = [size_index, *range(size_index - 1, -1, -1), *range(size_index + 1, len(max_nodes))]
        chosen = np.zeros(len(self.hours), bool)
        for k in order:
            chosen |= band == k
            if chosen.sum() >= MIN_JOBS:
                break
        return np.sort(self.hours[chosen])


def trace_jobs(name: str, lines: Iterable[str]) -> TraceJobs:
    """A named trace from its text (the Philly digest: timestamp,duration,num_gpus,...)."""
    trace = philly.load(lines, name)
    keep = trace.work > 0.0
    return TraceJobs(name, trace.gpus[keep].astype(np.int64), trace.work[keep] / HOUR)


def traces_named(data: Mapping[str, Any]) -> set[str]:
    """The traces a scenario's shapes name ([shape] and each row's own shape)."""
    shapes = [data.get("shape")]
    for key in ("awards", "applications", "history", "mix"):
        rows = data.get(key)
        shapes += (
            [row.get("shape") for row in rows if isinstance(row, Mapping)]
            if isinstance(rows, list)
            else []
        )
    return {
        str(shape["trace"]) for shape in shapes if isinstance(shape, Mapping) and "trace" in shape
    }
