"""The OpenB format (Alibaba cluster-trace-gpu-v2023, the trace of Weng et al., ATC'23).

Nodes: `sn,cpu_milli,memory_mib,gpu,model`; nodes without GPUs are kept (CPU-only pods can use
them). Pods: `name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,
deletion_time,scheduled_time`; `gpu_spec` is a `|`-separated list of allowed GPU models (empty
or `nan`: any); `gpu_milli` 1000 is a whole GPU and applies to `num_gpu` = 1 (a multi-GPU pod
takes whole GPUs).

Times: a pod arrives at `creation_time` and runs for `deletion_time - scheduled_time` (the time
it held its resources in production; `creation_time` when it was never scheduled); a pod
without a deletion time (still running when the trace was cut) never leaves. Time 0 is the
first creation.

**Arrival model for lists without times** (every `creation_time` empty): pod i (in file order)
arrives at i seconds and never leaves, i.e. the workload grows until the cluster is full, which is
how Weng et al. evaluate placement ("workload inflation"). A list where only some pods carry
times is refused rather than guessed.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable

from aisc.core.errors import RuleViolation
from aisc.core.simulation.sharing.model import WHOLE, Pod, SharedNode

NODE_COLUMNS = ("sn", "cpu_milli", "memory_mib", "gpu", "model")
POD_COLUMNS = (
    "name",
    "cpu_milli",
    "memory_mib",
    "num_gpu",
    "gpu_milli",
    "gpu_spec",
    "qos",
    "pod_phase",
    "creation_time",
    "deletion_time",
    "scheduled_time",
)
EMPTY = ("", "nan", "none")


def _rows(
    lines: Iterable[str], columns: tuple[str, ...], source: str
) -> list[tuple[int, dict[str, str]]]:
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None or [h.strip() for h in header[: len(columns)]] != list(columns):
        raise RuleViolation(
            "%(source)s: the first line must be the header %(columns)s",
            field="trace",
            params={"source": source, "columns": ",".join(columns)},
        )
    names = [h.strip() for h in header]
    rows = []
    for number, row in enumerate(reader, start=2):
        if not row or not "".join(row).strip():
            continue
        if len(row) != len(names):
            raise RuleViolation(
                "%(source)s: line %(number)s: expected %(names)s columns, got %(row)s",
                field="trace",
                params={"source": source, "number": number, "names": len(names), "row": len(row)},
            )
        rows.append((number, {k: v.strip() for k, v in zip(names, row, strict=True)}))
    if not rows:
        raise RuleViolation("%(source)s: no data lines", field="trace", params={"source": source})
    return rows


def _int(value: str, what: str, source: str, number: int) -> int:
    try:
        number_value = float(value)
    except ValueError:
        raise RuleViolation(
            "%(source)s: line %(number)s: %(what)s %(value)s is not a number",
            field="trace",
            params={"source": source, "number": number, "what": what, "value": f"{value!r}"},
        ) from None
    if not math.isfinite(number_value) or number_value < 0 or number_value != int(number_value):
        raise RuleViolation(
            "%(source)s: line %(number)s: %(what)s %(value)s must be a whole number >= 0",
            field="trace",
            params={"source": source, "number": number, "what": what, "value": f"{value!r}"},
        )
    return int(number_value)


def load_nodes(lines: Iterable[str], source: str) -> list[SharedNode]:
    nodes = []
    for number, row in _rows(lines, NODE_COLUMNS, source):
        gpus = _int(row["gpu"], "gpu", source, number)
        model = "" if row["model"].lower() in EMPTY else row["model"]
        if gpus and not model:
            raise RuleViolation(
                "%(source)s: line %(number)s: a GPU node needs a model",
                field="nodes",
                params={"source": source, "number": number},
            )
        nodes.append(
            SharedNode(
                row["sn"],
                _int(row["cpu_milli"], "cpu_milli", source, number),
                _int(row["memory_mib"], "memory_mib", source, number),
                gpus,
                model,
            )
        )
    return nodes


def load_pods(lines: Iterable[str], source: str) -> list[Pod]:
    rows = _rows(lines, POD_COLUMNS, source)
    timed = [row["creation_time"] not in EMPTY for _, row in rows]
    if any(timed) and not all(timed):
        first = next(number for (number, _), t in zip(rows, timed, strict=True) if not t)
        raise RuleViolation(
            (
                "%(source)s: line %(first)s: creation_time is empty while other "
                "pods have one; give every pod a time, or none (then pods arrive "
                "one a second and never leave)"
            ),
            field="trace",
            params={"source": source, "first": first},
        )
    pods = [_pod(i, number, row, source, all(timed)) for i, (number, row) in enumerate(rows)]
    if all(timed):
        origin = min(p.arrival for p in pods)
        pods = [_shifted(p, origin) for p in pods]
    pods.sort(key=lambda p: (p.arrival, p.id))
    return pods


def _pod(i: int, number: int, row: dict[str, str], source: str, timed: bool) -> Pod:
    num_gpu = _int(row["num_gpu"], "num_gpu", source, number)
    gpu_milli = _int(row["gpu_milli"], "gpu_milli", source, number) if num_gpu else 0
    if num_gpu and not 0 < gpu_milli <= WHOLE:
        raise RuleViolation(
            (
                "%(source)s: line %(number)s: gpu_milli %(gpu_milli)s must be in "
                "1..1000 for a GPU pod"
            ),
            field="trace",
            params={"source": source, "number": number, "gpu_milli": gpu_milli},
        )
    if num_gpu > 1 and gpu_milli != WHOLE:
        raise RuleViolation(
            (
                "%(source)s: line %(number)s: a pod of %(num_gpu)s GPUs takes "
                "whole GPUs (gpu_milli 1000)"
            ),
            field="trace",
            params={"source": source, "number": number, "num_gpu": num_gpu},
        )
    spec = row["gpu_spec"]
    models = None if spec.lower() in EMPTY else frozenset(s for s in spec.split("|") if s)
    arrival, duration = float(i), math.inf
    if timed:
        arrival, duration = _times(row, source, number)
    return Pod(
        i,
        row["name"],
        arrival,
        duration,
        _int(row["cpu_milli"], "cpu_milli", source, number),
        _int(row["memory_mib"], "memory_mib", source, number),
        num_gpu,
        gpu_milli,
        models,
        number,
    )


def _times(row: dict[str, str], source: str, number: int) -> tuple[float, float]:
    created = float(_int(row["creation_time"], "creation_time", source, number))
    if row["deletion_time"] in EMPTY:
        return created, math.inf
    deleted = float(_int(row["deletion_time"], "deletion_time", source, number))
    scheduled = created
    if row["scheduled_time"] not in EMPTY:
        scheduled = float(_int(row["scheduled_time"], "scheduled_time", source, number))
    if deleted < scheduled or scheduled < created:
        raise RuleViolation(
            "%(source)s: line %(number)s: times must run creation <= scheduled <= deletion",
            field="trace",
            params={"source": source, "number": number},
        )
    return created, deleted - scheduled


def _shifted(pod: Pod, origin: float) -> Pod:
    return Pod(
        pod.id,
        pod.name,
        pod.arrival - origin,
        pod.duration,
        pod.cpu_milli,
        pod.memory_mib,
        pod.num_gpu,
        pod.gpu_milli,
        pod.models,
        pod.line,
    )
