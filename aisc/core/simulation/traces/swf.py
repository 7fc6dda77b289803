"""`swf`: the Standard Workload Format (v2.2) of the Parallel Workloads Archive (Feitelson et al.).

One job per line, 18 whitespace-separated numeric fields, -1 where a log lacks a value; lines
starting with `;` are header comments. The fields (1-based, as the format numbers them):

     1 job number            7 used memory (KB)       13 group ID
     2 submit time (s)       8 requested processors   14 executable number
     3 wait time (s)         9 requested time (s)     15 queue number
     4 run time (s)         10 requested memory (KB)  16 partition number
     5 allocated processors 11 status                17 preceding job number
     6 average CPU time     12 user ID                18 think time from preceding job

What the simulator takes:
- submit = field 2; the work = the run time, field 4 (seconds on the reference chip);
- GPUs = ceil(processors / `procs_per_gpu`), processors = the allocated count (5), or the
  requested count (8) where the log has no allocated count; `procs_per_gpu` (default 1: one
  processor is one GPU) lets a CPU log stand for a GPU cluster, e.g. 8 cores per GPU;
- time limit = the requested time (9), raised to the run time where a log recorded a job running
  past its request (grace periods): the trace replays what ran; -1 means no limit;
- user = "u<field 12>", project = "g<field 13>" (the group), "default" when the group is -1.
The wait time, queue, partition and dependency fields describe the original scheduler's answer
or site set-up and are not used.

Jobs left out, each counted as a skipped line with its line number and the rule (the format's
conventions, not malformed lines, so `--strict` does not stop on them):
- run time <= 0 or -1: the job never ran (most are cancelled, status 5, or failed, status 0);
- status 2, 3 or 4: one partial execution of a checkpointed job, whose whole is already on its
  summary line (status 0, 1 or 5).
A line without 18 numeric fields, or with an impossible value, is malformed: skipped and
counted, or under `strict` the load stops there.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from aisc.core.errors import RuleViolation
from aisc.core.simulation.traces.base import SkippedLine, Trace, TraceBuilder, check_row

FIELDS = 18
SUBMIT, RUN, ALLOCATED, REQUESTED_PROCS, REQUESTED_TIME, STATUS, USER, GROUP = (
    1,
    3,
    4,
    7,
    8,
    10,
    11,
    12,
)
PARTIAL_EXECUTION = {2, 3, 4}  # status of the per-part lines of a checkpointed job


def load(
    lines: Iterable[str], source: str, *, strict: bool = False, procs_per_gpu: int = 1
) -> Trace:
    if isinstance(procs_per_gpu, bool) or not isinstance(procs_per_gpu, int) or procs_per_gpu < 1:
        raise RuleViolation(
            "procs_per_gpu %(procs_per_gpu)s must be a whole number >= 1",
            field="procs_per_gpu",
            params={"procs_per_gpu": f"{procs_per_gpu!r}"},
        )
    builder = TraceBuilder(source, strict=strict)
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if text and not text.startswith(";"):
            _add_line(builder, number, text.split(), procs_per_gpu)
    return builder.build()


def _add_line(builder: TraceBuilder, number: int, fields: list[str], procs_per_gpu: int) -> None:
    if len(fields) != FIELDS:
        builder.skip(number, f"expected {FIELDS} whitespace-separated fields, got {len(fields)}")
        return
    try:
        values = [float(f) for f in fields]
    except ValueError as exc:
        builder.skip(number, f"not a number: {exc}")
        return
    bad = next((i for i, v in enumerate(values) if not math.isfinite(v)), None)
    if bad is not None:
        builder.skip(number, f"field {bad + 1} ({fields[bad]}) must be a finite number")
        return
    run, status = values[RUN], values[STATUS]
    if status in PARTIAL_EXECUTION:
        _leave_out(builder, number, f"status {status:g}: a partial execution of a checkpointed job")
        return
    if run <= 0:
        _leave_out(builder, number, f"run time {values[RUN]:g} <= 0: the job never ran")
        return
    processors = values[ALLOCATED] if values[ALLOCATED] > 0 else values[REQUESTED_PROCS]
    if not processors > 0:
        builder.skip(number, "no processor count (fields 5 and 8 are both <= 0)")
        return
    if processors != int(processors):
        builder.skip(number, f"processor count {processors:g} must be a whole number")
        return
    gpus = -(-int(processors) // procs_per_gpu)
    if not check_row(builder, number, values[SUBMIT], gpus, run):
        return
    requested = values[REQUESTED_TIME]
    builder.add(
        number,
        values[SUBMIT],
        gpus,
        run,
        time_limit=max(requested, run) if requested > 0 else math.inf,
        user=_name("u", values[USER], "user"),
        project=_name("g", values[GROUP], "default"),
    )


def _leave_out(builder: TraceBuilder, number: int, reason: str) -> None:
    """A job the format's conventions exclude: counted, never a reason to stop a strict load."""
    builder.skipped.append(SkippedLine(number, reason))


def _name(prefix: str, value: float, missing: str) -> str:
    return missing if value < 0 else f"{prefix}{int(value)}"
