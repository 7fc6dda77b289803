"""The demand rows of a scenario: the pipeline's `[[awards]]` and `[[applications]]`, the past
months' `[[history]]`, the `[[mix]]`es of job sizes, and the run-time `[shape]` any of them may
carry; each read and checked against the horizon and the inventory's chips
(aisc.core.capacity.scenario reads the whole file)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from aisc.core.capacity import fields as f
from aisc.core.capacity.model import Mix, Shape, Stream
from aisc.core.capacity.shapes import TRACES
from aisc.core.errors import RuleViolation


def stream(
    kind: str,
    index: int,
    row: Mapping[str, Any],
    chips: set[str],
    probability: float,
    horizon: tuple[dt.datetime, dt.datetime],
) -> Stream:
    where = f"{kind}[{index}]"
    start, end = f.when(row, "start", where), f.when(row, "end", where)
    if end <= start:
        raise RuleViolation(
            "%(where)s.end: must be after its start", field=f"{where}.end", params={"where": where}
        )
    if end <= horizon[0] or start >= horizon[1]:
        raise RuleViolation(
            "%(where)s.end: its dates %(f)s..%(f2)s lie wholly outside the horizon",
            field=f"{where}.end",
            params={"where": where, "f": f.month_label(start), "f2": f.month_label(end)},
        )
    return _offered(row, where, chips, start, end, probability)


def history(
    index: int, row: Mapping[str, Any], chips: set[str], horizon: tuple[dt.datetime, dt.datetime]
) -> Stream:
    where = f"history[{index}]"
    month = f.when(row, "month", where)
    f.inside(month, horizon, f"{where}.month")
    start = dt.datetime(month.year, month.month, 1)
    return _offered(row, where, chips, start, f.add_months(start, 1), None)


def _offered(
    row: Mapping[str, Any],
    where: str,
    chips: set[str],
    start: dt.datetime,
    end: dt.datetime,
    probability: float | None,
) -> Stream:
    """The fields every stream row has, read in this order for each kind; `probability` is the
    default chance of an offer, None for a past month (history: it happened)."""
    past = probability is None
    return Stream(
        project=f.text(row, "project", where),
        chip=f.chip(row, where, chips),
        gpu_hours=f.number(row, "gpu_hours", where),
        nodes=f.whole(row, "nodes", where, 1, low=1),
        start=start,
        end=end,
        probability=1.0 if past else f.number(row, "probability", where, probability, high=1.0),
        history=past,
        gang_gpus=f.whole(row, "gpus", where, 0),
        shape=shape_of(shape, f"{where}.shape")
        if (shape := f.table(row, "shape", f"{where}.shape"))
        else None,
    )


def mix(
    index: int, row: Mapping[str, Any], chips: set[str], horizon: tuple[dt.datetime, dt.datetime]
) -> Mix:
    where = f"mix[{index}]"
    start = f.when(row, "start", where, horizon[0])
    f.inside(start, horizon, f"{where}.start")
    count = f.whole(row, "count", where) if "count" in row else None
    per_month = f.number(row, "per_month", where, 0.0, high=1000.0)
    if count is None and per_month == 0.0:
        raise RuleViolation(
            "%(where)s.count: give a count, a per_month arrival rate, or both",
            field=f"{where}.count",
            params={"where": where},
        )
    shape = f.table(row, "shape", f"{where}.shape")
    return Mix(
        name=f.text(row, "name", where, f"mix{index}"),
        chip=f.chip(row, where, chips),
        nodes=f.span(row, "nodes", where),
        months=f.whole(row, "months", where, low=1),
        start=start,
        count=count,
        per_month=per_month,
        use=f.number(row, "use", where, 1.0, high=1.0, strict_low=True),
        shape=shape_of(shape, f"{where}.shape") if shape else None,
    )


def shape_of(row: Mapping[str, Any], where: str) -> Shape:
    median = f.number(row, "median_h", where, 24.0, low=0.0, strict_low=True)
    max_h = f.number(row, "max_h", where, 168.0, low=0.0, strict_low=True)
    if max_h < median:
        raise RuleViolation(
            "%(where)s.max_h: must be at least median_h",
            field=f"{where}.max_h",
            params={"where": where},
        )
    trace = f.text(row, "trace", where, "") if row.get("trace", "") else ""
    if trace and trace not in TRACES:
        raise RuleViolation(
            "%(where)s.trace: unknown trace %(trace)s; known traces: %(traces)s",
            field=f"{where}.trace",
            params={"where": where, "trace": f"{trace!r}", "traces": ", ".join(TRACES)},
        )
    return Shape(
        median_h=median,
        sigma=f.number(row, "sigma", where, 1.0, high=5.0),
        max_h=max_h,
        gang_nodes=f.whole(row, "gang_nodes", where, 0),
        trace=trace,
    )
