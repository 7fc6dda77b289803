"""Seeds combined into a plan: per month and chip the median over seeds, with the band (min, max).

- utilisation = delivered / capacity GPU-hours of the month;
- undeliverable = awarded work taken back when its award ended undelivered, plus the backlog
  left at the horizon's end (work that arrived and cannot be delivered within it);
- saturation month: the first month in which the work waiting at its start plus the work arriving
  in it reaches its capacity (the queue can no longer be cleared within the month);
- fits: how many more projects of each size (`Scenario.size_classes`: nodes x months) could start
  within the horizon, placed greedily at the earliest month where their GPUs stay free for their
  whole run, "free" being capacity x target utilisation x overbooking less the demand's GPUs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from aisc.core.capacity import fields as f
from aisc.core.capacity.inventory import capacity_gpu_hours, month_edges, stretches
from aisc.core.capacity.plan import WAIT_GROUPS, SeedRun, run_seed
from aisc.core.capacity.scenario import SIZES, Scenario
from aisc.core.errors import RuleViolation

MAX_SEEDS = 1000


@dataclass
class Plan:
    scenario: Scenario
    runs: list[SeedRun]
    capacity_h: np.ndarray  # [month, chip]

    @property
    def hours(self) -> np.ndarray:
        hours: np.ndarray = np.diff(month_edges(self.scenario))[:, None] / 3600.0
        return hours

    def stack(self, name: str) -> np.ndarray:
        stacked: np.ndarray = np.stack([getattr(run, name) for run in self.runs])
        return stacked

    def utilization(self) -> np.ndarray:
        """[seed, month, chip]; 0 where a month has no capacity."""
        cap = self.capacity_h[None]
        delivered = self.stack("delivered_h")
        share: np.ndarray = np.divide(delivered, cap, out=np.zeros_like(delivered), where=cap > 0)
        return share

    def undeliverable(self) -> np.ndarray:
        """Per seed, GPU-hours: expired over the horizon plus the backlog at its end."""
        lost: np.ndarray = self.stack("expired_h").sum(axis=(1, 2))
        total: np.ndarray = lost + self.stack("backlog_h")[:, -1].sum(1)
        return total

    def saturation_month(self) -> str | None:
        demand = np.median(self.stack("demand_h"), axis=0)
        backlog = np.median(self.stack("backlog_h"), axis=0)
        carried = np.vstack([np.zeros((1, backlog.shape[1])), backlog[:-1]])
        full = ((carried + demand) >= self.capacity_h) & (self.capacity_h > 0)
        months = np.flatnonzero(full.any(axis=1))
        if not len(months):
            return None
        return f.month_label(f.add_months(self.scenario.start, int(months[0])))

    def fits(self) -> dict[str, list[int]]:
        """Per size, how many more projects fit, one count per seed."""
        scenario, hours = self.scenario, self.hours
        spare = self.capacity_h / hours * scenario.target_utilization * scenario.overbooking
        result: dict[str, list[int]] = {}
        for size, shape in scenario.size_classes().items():
            result[size] = []
            for run in self.runs:
                free = spare - run.demand_h / hours
                count = 0
                for c, chip in enumerate(scenario.chips()):
                    gpus = shape.nodes * scenario.gpus_per_node(chip)
                    count += _place(free[:, c].copy(), gpus, min(shape.months, scenario.months))
                result[size].append(count)
        return result


def _place(free: np.ndarray, gpus: int, months: int) -> int:
    count, m = 0, 0
    while m + months <= len(free):
        if free[m : m + months].min() >= gpus:
            free[m : m + months] -= gpus
            count += 1
        else:
            m += 1
    return count


def plan(scenario: Scenario, seeds: Sequence[int]) -> Plan:
    check_seeds(seeds)
    return combine(scenario, [run_seed(scenario, seed) for seed in seeds])


def check_seeds(seeds: Sequence[int]) -> None:
    if not 1 <= len(seeds) <= MAX_SEEDS:
        raise RuleViolation(
            "seeds: give 1 to %(max_seeds)s seeds", field="seeds", params={"max_seeds": MAX_SEEDS}
        )


def combine(scenario: Scenario, runs: list[SeedRun]) -> Plan:
    return Plan(scenario, runs, capacity_gpu_hours(scenario, stretches(scenario)))


def _value(x: float) -> float | None:
    return None if math.isnan(x) else round(float(x), 4)


def _median(values: np.ndarray) -> np.ndarray:
    """Median over seeds (axis 0), NaN where every seed has NaN, without numpy's warning."""
    filled = np.isnan(values).all(axis=0)
    safe = np.where(np.isnan(values) & filled[None], 0.0, values)
    return np.where(filled, np.nan, np.nanmedian(safe, axis=0))


def as_json(result: Plan) -> dict[str, Any]:
    """The `aisc capacity plan --json` document (docs/capacity.md lists every key)."""
    scenario = result.scenario
    util = result.utilization()
    fields = {
        "demand_gpu_hours": result.stack("demand_h"),
        "delivered_gpu_hours": result.stack("delivered_h"),
        "utilization": util,
        "undeliverable_gpu_hours": result.stack("expired_h"),
        "backlog_gpu_hours": result.stack("backlog_h"),
    }
    p50, p95 = _median(result.stack("wait_p50_h")), _median(result.stack("wait_p95_h"))
    p95_all = result.stack("wait_p95_h")[..., 0]
    rows = []
    for m in range(scenario.months):
        label = f.month_label(f.add_months(scenario.start, m))
        for c, chip in enumerate(scenario.chips()):
            row: dict[str, Any] = {
                "month": label,
                "chip": chip,
                "capacity_gpu_hours": round(float(result.capacity_h[m, c]), 1),
            }
            for name, values in fields.items():
                cell = values[:, m, c]
                row[name] = _value(float(np.median(cell)))
                row[f"{name}_lo"], row[f"{name}_hi"] = _value(cell.min()), _value(cell.max())
            row["wait_p50_h"], row["wait_p95_h"] = _value(p50[m, c, 0]), _value(p95[m, c, 0])
            waits = p95_all[:, m, c]
            seen = waits[~np.isnan(waits)]
            row["wait_p95_h_lo"] = _value(seen.min()) if len(seen) else None
            row["wait_p95_h_hi"] = _value(seen.max()) if len(seen) else None
            row["wait_by_size"] = {
                size: {"p50_h": _value(p50[m, c, g]), "p95_h": _value(p95[m, c, g])}
                for g, size in enumerate(WAIT_GROUPS)
                if size in SIZES
            }
            rows.append(row)
    lost = result.undeliverable()
    fits = result.fits()
    return {
        "scenario": scenario.name,
        "start": f.month_label(scenario.start),
        "policy": scenario.policy,
        "seeds": [run.seed for run in result.runs],
        "jobs": int(np.median([run.jobs for run in result.runs])),
        "months": rows,
        "saturation_month": result.saturation_month(),
        "undeliverable_gpu_hours": round(float(np.median(lost)), 1),
        "undeliverable_gpu_hours_lo": round(float(lost.min()), 1),
        "undeliverable_gpu_hours_hi": round(float(lost.max()), 1),
        "demand_gpu_hours": round(float(result.stack("demand_h").sum(axis=(1, 2)).mean()), 1),
        "fits": {size: int(np.median(counts)) for size, counts in fits.items()},
        "fits_lo": {size: min(counts) for size, counts in fits.items()},
        "fits_hi": {size: max(counts) for size, counts in fits.items()},
    }
