"""`gavel`: Gavel's traces (stanford-futuredata/gavel @ c4fa400, MIT) with its throughput matrix.

Two tab-separated layouts, no header:
- 7 fields (`traces/msr/seed=S/<vc>.trace`): job_type, command, num_steps_arg, needs_data_dir,
  total_steps, arrival_time, scale_factor;
- 10 fields (`traces/physical_cluster/*.trace`): job_type, command, working_directory,
  num_steps_arg, needs_data_dir, total_steps, scale_factor, priority_weight, SLO, arrival_time.

A job's work is its total steps; its speed on a chip is the matrix's isolated throughput
(iterations/s) of (job_type, scale_factor) on that worker type, so run time = steps / throughput,
as in Gavel's simulator. The matrix (Gavel's `simulation_throughputs.json`) is always named by the
caller (`aisc sim run --throughputs FILE`); nothing is searched for. Several files (Gavel's
`traces/msr/seed=S/` holds one per virtual cluster) load as one trace, merged by arrival time.
Worker types become chip codes (v100, p100, k80); `*_unconsolidated` entries are not used (a gang
here always takes whole nodes of one type).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from aisc.core.errors import RuleViolation
from aisc.core.simulation.traces.base import Trace, TraceBuilder, check_row

KEY = re.compile(r"^\('(.*)', (\d+)\)$")
Throughputs = dict[str, dict[tuple[str, int], float]]


def read_throughputs(text: str) -> Throughputs:
    """{worker type: {(job type, scale factor): isolated throughput}} from Gavel's JSON."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RuleViolation(
            "throughput matrix is not JSON: %(exc)s", field="throughputs", params={"exc": exc}
        ) from exc
    matrix: Throughputs = {}
    for worker, jobs in raw.items():
        if worker.endswith("_unconsolidated"):
            continue
        table = matrix[worker] = {}
        for key, entry in jobs.items():
            match = KEY.match(key)
            if match is None or not isinstance(entry, dict) or "null" not in entry:
                raise RuleViolation(
                    "throughput matrix: bad entry %(key)s",
                    field="throughputs",
                    params={"key": f"{key!r}"},
                )
            table[(match.group(1), int(match.group(2)))] = float(entry["null"])
    return matrix


def speeds_of(matrix: Throughputs, job_type: str, scale: int) -> dict[str, float]:
    return {w: t[(job_type, scale)] for w, t in matrix.items() if t.get((job_type, scale), 0) > 0}


def load(
    lines: Iterable[str],
    source: str,
    *,
    strict: bool = False,
    throughputs: Throughputs | None = None,
) -> Trace:
    return load_many([(source, lines)], source, strict=strict, throughputs=throughputs)


def load_many(
    files: Iterable[tuple[str, Iterable[str]]],
    source: str,
    *,
    strict: bool = False,
    throughputs: Throughputs | None = None,
) -> Trace:
    """Several trace files (name, lines) as one trace; a skipped line names its file."""
    if throughputs is None:
        raise RuleViolation(
            "%(source)s: a gavel trace needs its throughput matrix: --throughputs FILE "
            "(Gavel's simulation_throughputs.json)",
            field="throughputs",
            params={"source": source},
        )
    builder = TraceBuilder(source, strict=strict)
    for name, lines in files:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                fields = line.rstrip("\r\n").split("\t")
                _add_line(builder, throughputs, number, fields, name)
    return builder.build()


def _add_line(
    builder: TraceBuilder, matrix: Throughputs, number: int, fields: list[str], name: str
) -> None:
    if len(fields) == 7:
        job_type, steps, arrival, scale = fields[0], fields[4], fields[5], fields[6]
    elif len(fields) == 10:
        job_type, steps, scale, arrival = fields[0], fields[5], fields[6], fields[9]
    else:
        builder.skip(number, f"{name}: expected 7 or 10 tab-separated fields, got {len(fields)}")
        return
    try:
        work, submit, gpus = float(steps), float(arrival), int(scale)
    except ValueError as exc:
        builder.skip(number, f"{name}: not a number: {exc}")
        return
    speeds = speeds_of(matrix, job_type, gpus)
    if not speeds:
        builder.skip(
            number, f"{name}: job type {job_type!r} x {gpus} is not in the throughput matrix"
        )
    elif check_row(builder, number, submit, gpus, work):
        builder.add(number, submit, gpus, work, project=job_type.split(" (")[0], speeds=speeds)
