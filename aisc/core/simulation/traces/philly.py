"""`philly`: the Philly job digest of Pollux/Sia (`timestamp,duration,num_gpus,gpu_time,cluster`).

Source: $AISC_TRACE_DIR/sia/traces/philly.csv (82,247 jobs, Philly data CC-BY-4.0, via
siasosp23/artifacts @ aaf7a0d). Time 0 is the first submission; the virtual cluster (VC) becomes
the project. The Sia workload files (`name,time,application,num_replicas,batch_size`) load too:
their `time` is already seconds from the start, and the application becomes the project.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable

from aisc.core.simulation.traces.base import Trace, TraceBuilder, check_row

UTC = dt.UTC
DIGEST_HEADER = "timestamp,duration,num_gpus,gpu_time,cluster"
WORKLOAD_HEADER = "name,time,application,num_replicas,batch_size"


def load(lines: Iterable[str], source: str, *, strict: bool = False) -> Trace:
    builder = TraceBuilder(source, strict=strict)
    rows = csv.reader(lines)
    header = next(rows, [])
    if header[:3] == ["name", "time", "application"]:
        _load_sia_workload(builder, rows)
    else:
        _load_digest(builder, rows)
    trace = builder.build()
    trace.submit -= trace.submit[0]
    return trace


def _load_digest(builder: TraceBuilder, rows: Iterable[list[str]]) -> None:
    for number, row in enumerate(rows, start=2):
        if not row:
            continue
        if len(row) < 5:
            builder.skip(
                number,
                f"expected 5 columns ({DIGEST_HEADER}), got {len(row)}",
            )
            continue
        try:
            stamp = dt.datetime.fromisoformat(row[0]).replace(tzinfo=UTC).timestamp()
            work, gpus = float(row[1]), int(float(row[2]))
        except ValueError as exc:
            builder.skip(number, f"not a timestamp or number: {exc}")
            continue
        if check_row(builder, number, stamp, gpus, work):
            builder.add(number, stamp, gpus, work, project=row[4] or "default")


def _load_sia_workload(builder: TraceBuilder, rows: Iterable[list[str]]) -> None:
    """Sia's sampled workloads carry no run time; it is set by the application (see docs)."""
    for number, row in enumerate(rows, start=2):
        if not row:
            continue
        if len(row) < 4:
            builder.skip(
                number,
                f"expected 5 columns ({WORKLOAD_HEADER}), got {len(row)}",
            )
            continue
        try:
            submit, gpus = float(row[1]), int(row[3])
        except ValueError as exc:
            builder.skip(number, f"not a number: {exc}")
            continue
        work = SIA_APPLICATION_SECONDS.get(row[2])
        if work is None:
            builder.skip(number, f"unknown application {row[2]!r}")
        elif check_row(builder, number, submit, gpus, work):
            builder.add(number, submit, gpus, work, project=row[2])


# Sia's jobs run to a target accuracy, not for a fixed time; these are rough single-replica
# run times to stand in for that (an assumption, stated in docs/simulator.md).
SIA_APPLICATION_SECONDS = {
    "cifar10": 1.0 * 3600,
    "bert": 2.0 * 3600,
    "deepspeech2": 4.0 * 3600,
    "yolov3": 6.0 * 3600,
    "imagenet": 12.0 * 3600,
}
