"""A capacity scenario as data: what the centre has, month by month, and what it is asked to run.

A scenario comes from a TOML file (`scenario_from_toml`) or a dict (an API body, a portal form,
the centre as configured: `scenario_from_dict`), and is checked as a whole before anything uses
it: an unknown chip, a negative count, two inventory rows of one chip and partition whose dates
overlap, or a month outside the horizon is refused with a RuleViolation naming the field and the
rule. The layout of the file is in docs/capacity.md. Here the whole and what the centre has (its
inventory, maintenance, policy, size classes); the demand rows are read in
aisc.core.capacity.demand_rows, single fields in aisc.core.capacity.fields.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aisc.core.capacity import demand_rows as rows
from aisc.core.capacity import fields as f
from aisc.core.capacity.model import (
    DEFAULT_SIZES,
    MAX_MONTHS,
    PLAN_POLICIES,
    SIZES,
    Inventory,
    Maintenance,
    Mix,
    Shape,
    SizeClass,
    Stream,
)
from aisc.core.capacity.replay import Replayed, replayed
from aisc.core.capacity.shapes import TRACES, TraceJobs, traces_named
from aisc.core.catalogue.chips import PRECISIONS, peak_tflops
from aisc.core.errors import NotFound, RuleViolation
from aisc.core.scheduling.policies import POLICIES

# The rows' types are read from here too (aisc.core.capacity.model holds them).
__all__ = [
    "MAX_MONTHS",
    "PLAN_POLICIES",
    "SIZES",
    "Inventory",
    "Maintenance",
    "Mix",
    "Scenario",
    "Shape",
    "SizeClass",
    "Stream",
    "scenario_from_dict",
    "scenario_from_toml",
]


@dataclass(frozen=True)
class Scenario:
    name: str
    start: dt.datetime
    months: int
    inventory: tuple[Inventory, ...]
    streams: tuple[Stream, ...] = ()
    mixes: tuple[Mix, ...] = ()
    replays: tuple[Replayed, ...] = ()  # metered jobs, replayed at their own start times
    maintenance: tuple[Maintenance, ...] = ()
    shape: Shape = field(default_factory=Shape)
    policy: str = "backfill"
    overbooking: float = 1.0
    target_utilization: float = 0.9
    sizes: Mapping[str, SizeClass] | None = None
    # The public traces its shapes name, read by the caller (aisc.core.capacity.shapes).
    traces: Mapping[str, TraceJobs] = field(default_factory=dict, compare=False)

    @property
    def end(self) -> dt.datetime:
        return f.add_months(self.start, self.months)

    def month_starts(self) -> list[dt.datetime]:
        return [f.add_months(self.start, m) for m in range(self.months + 1)]

    def chips(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(row.chip for row in self.inventory))

    def gpus_per_node(self, chip: str) -> int:
        return next(row.gpus_per_node for row in self.inventory if row.chip == chip)

    def size_classes(self) -> Mapping[str, SizeClass]:
        return self.sizes if self.sizes is not None else DEFAULT_SIZES

    def size_of(self, nodes: int) -> str:
        classes = self.size_classes()
        return next((s for s in SIZES[:-1] if nodes <= classes[s].max_nodes), SIZES[-1])


def scenario_from_toml(text: str, traces: Mapping[str, TraceJobs] | None = None) -> Scenario:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleViolation(
            "scenario TOML: %(exc)s", field="scenario", params={"exc": exc}
        ) from exc
    return scenario_from_dict(data, traces)


def scenario_from_dict(
    data: Mapping[str, Any], traces: Mapping[str, TraceJobs] | None = None
) -> Scenario:
    """`traces`: the public traces the shapes name, as read by the caller (`traces_named`)."""
    start = f.when(data, "start", "scenario")
    if start.day != 1 or start.time() != dt.time():
        raise RuleViolation("scenario.start: must be a month (YYYY-MM)", field="scenario.start")
    months = f.whole(data, "months", "scenario", 24, low=1)
    if months > MAX_MONTHS:
        raise RuleViolation(
            "scenario.months: must be at most %(max_months)s",
            field="scenario.months",
            params={"max_months": MAX_MONTHS},
        )
    horizon = (start, f.add_months(start, months))
    policy = f.table(data, "policy", "policy")
    inventory = tuple(_inventory(i, row) for i, row in enumerate(f.tables(data, "inventory")))
    if not inventory:
        raise RuleViolation(
            "inventory: at least one [[inventory]] row is needed", field="inventory"
        )
    _check_overlaps(inventory)
    chips = {row.chip for row in inventory}
    pipeline = f.table(data, "pipeline", "pipeline")
    probability = f.number(pipeline, "award_probability", "pipeline", 0.5, high=1.0)
    streams = (
        *(
            rows.stream("awards", i, r, chips, 1.0, horizon)
            for i, r in enumerate(f.tables(data, "awards"))
        ),
        *(
            rows.stream("applications", i, r, chips, probability, horizon)
            for i, r in enumerate(f.tables(data, "applications"))
        ),
        *(rows.history(i, r, chips, horizon) for i, r in enumerate(f.tables(data, "history"))),
    )
    return Scenario(
        name=str(data.get("name", "scenario")),
        start=start,
        months=months,
        inventory=inventory,
        streams=streams,
        mixes=tuple(rows.mix(i, r, chips, horizon) for i, r in enumerate(f.tables(data, "mix"))),
        replays=tuple(
            replayed(i, r, f.chip(r, f"replay[{i}]", chips), horizon)
            for i, r in enumerate(f.tables(data, "replay"))
        ),
        maintenance=tuple(
            _maintenance(i, r, chips, horizon) for i, r in enumerate(f.tables(data, "maintenance"))
        ),
        shape=rows.shape_of(f.table(data, "shape", "shape"), "shape"),
        policy=_policy(policy),
        overbooking=f.number(policy, "overbooking", "policy", 1.0, low=0.1, high=10.0),
        target_utilization=f.number(
            policy, "target_utilization", "policy", 0.9, high=1.0, strict_low=True
        ),
        sizes=_sizes(f.table(data, "sizes", "sizes")),
        traces=_traces(data, traces or {}),
    )


def _traces(data: Mapping[str, Any], given: Mapping[str, TraceJobs]) -> Mapping[str, TraceJobs]:
    for name in sorted(traces_named(data)):
        if name not in given:
            raise RuleViolation(
                (
                    "shape.trace: the public trace %(name)s is not at hand: set "
                    "AISC_TRACE_DIR to the folder holding %(traces)s (docs/traces.md)"
                ),
                field="shape.trace",
                params={"name": f"{name!r}", "traces": TRACES[name]},
            )
        if not len(given[name].hours):
            raise RuleViolation(
                "shape.trace: the trace %(name)s has no job with a run time",
                field="shape.trace",
                params={"name": f"{name!r}"},
            )
    return {name: given[name] for name in traces_named(data)}


def _inventory(index: int, row: Mapping[str, Any]) -> Inventory:
    where = f"inventory[{index}]"
    chip = f.chip(row, where)
    gpn = f.whole(row, "gpus_per_node", where, 8, low=1)
    if "pflops" in row:
        precision = f.text(row, "precision", where, "bf16")
        if precision not in PRECISIONS:
            raise RuleViolation(
                "%(where)s.precision: must be one of %(precisions)s",
                field=f"{where}.precision",
                params={"where": where, "precisions": ", ".join(PRECISIONS)},
            )
        try:
            tflops = peak_tflops(chip, precision)
        except NotFound as exc:
            raise RuleViolation(
                "%(where)s.precision: %(message)s",
                field=f"{where}.precision",
                params={"where": where, "message": exc.message},
            ) from exc
        pflops = f.number(row, "pflops", where)
        nodes = round(pflops * 1000.0 / (tflops * gpn))
    else:
        nodes = f.whole(row, "nodes", where)
    start = f.when(row, "from", where)
    until = f.when(row, "until", where) if "until" in row else None
    if until is not None and until <= start:
        raise RuleViolation(
            "%(where)s.until: must be after its from",
            field=f"{where}.until",
            params={"where": where},
        )
    reserved = row.get("reserved_for")
    partition = f.text(row, "partition", where, "dedicated" if reserved else "gpu")
    return Inventory(chip, nodes, gpn, start, until, partition, reserved and str(reserved))


def _check_overlaps(rows: tuple[Inventory, ...]) -> None:
    for i, a in enumerate(rows):
        for j in range(i):
            b = rows[j]
            if (a.chip, a.partition, a.reserved_for) != (b.chip, b.partition, b.reserved_for):
                continue
            if (a.until is None or b.start < a.until) and (b.until is None or a.start < b.until):
                raise RuleViolation(
                    (
                        "inventory[%(i)s].from: its dates overlap inventory[%(j)s] of "
                        "the same chip %(chip)s and partition %(partition)s; give the "
                        "earlier one an `until`"
                    ),
                    field=f"inventory[{i}].from",
                    params={"i": i, "j": j, "chip": f"{a.chip!r}", "partition": f"{a.partition!r}"},
                )


def _maintenance(
    index: int, row: Mapping[str, Any], chips: set[str], horizon: tuple[dt.datetime, dt.datetime]
) -> Maintenance:
    where = f"maintenance[{index}]"
    start, until = f.when(row, "from", where), f.when(row, "until", where)
    f.inside(start, horizon, f"{where}.from")
    if until <= start:
        raise RuleViolation(
            "%(where)s.until: must be after its from",
            field=f"{where}.until",
            params={"where": where},
        )
    nodes = f.whole(row, "nodes", where) if "nodes" in row else None
    return Maintenance(f.chip(row, where, chips), start, until, nodes)


def _policy(row: Mapping[str, Any]) -> str:
    name = f.text(row, "name", "policy", "backfill")
    if name not in POLICIES or name not in PLAN_POLICIES:
        raise RuleViolation(
            ("policy.name: %(name)s cannot close an award's queue; use one of %(plan_policies)s"),
            field="policy.name",
            params={"name": f"{name!r}", "plan_policies": ", ".join(PLAN_POLICIES)},
        )
    return name


def _sizes(row: Mapping[str, Any]) -> Mapping[str, SizeClass] | None:
    if not row:
        return None
    result = {}
    for size in SIZES:
        given = f.table(row, size, f"sizes.{size}")
        base = DEFAULT_SIZES[size]
        result[size] = SizeClass(
            nodes=f.whole(given, "nodes", f"sizes.{size}", base.nodes, low=1),
            months=f.whole(given, "months", f"sizes.{size}", base.months, low=1),
            max_nodes=f.whole(given, "max_nodes", f"sizes.{size}", base.max_nodes, low=1),
        )
    if not result["small"].max_nodes < result["medium"].max_nodes:
        raise RuleViolation(
            "sizes.medium.max_nodes: must be above sizes.small.max_nodes",
            field="sizes.medium.max_nodes",
        )
    return result
