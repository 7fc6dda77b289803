"""The centre's nodes over the horizon: a cluster per stretch of time, and GPU-hours per month.

The inventory changes only at its rows' dates and around maintenance windows, so the horizon
splits into stretches, each with one fixed cluster (`stretches`). A maintenance window takes its
nodes from the chip's shared groups first, then from dedicated ones.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import numpy as np

from aisc.core.capacity.scenario import Scenario
from aisc.core.scheduling.model import NodeGroup

HOUR = 3600.0


@dataclass(frozen=True)
class Stretch:
    start: float  # seconds from the horizon's start
    end: float
    groups: tuple[NodeGroup, ...]

    def gpus(self, chip: str) -> int:
        return sum(g.gpus for g in self.groups if g.chip == chip)


def _seconds(scenario: Scenario, moment: dt.datetime) -> float:
    return (moment - scenario.start).total_seconds()


def groups_at(scenario: Scenario, moment: dt.datetime) -> tuple[NodeGroup, ...]:
    rows = [
        row
        for row in scenario.inventory
        if row.start <= moment and (row.until is None or moment < row.until) and row.nodes > 0
    ]
    rows.sort(key=lambda r: r.reserved_for is not None)  # shared first: maintenance takes them
    out = {row.chip: 0 for row in rows}
    for window in scenario.maintenance:
        if window.start <= moment < window.until:
            total = sum(r.nodes for r in rows if r.chip == window.chip)
            out[window.chip] = min(total, out.get(window.chip, 0) + (window.nodes or total))
    groups = []
    for row in rows:
        taken = min(out[row.chip], row.nodes)
        out[row.chip] -= taken
        if row.nodes > taken:
            groups.append(
                NodeGroup(
                    row.chip, row.nodes - taken, row.gpus_per_node, row.partition, row.reserved_for
                )
            )
    return tuple(groups)


def stretches(scenario: Scenario) -> list[Stretch]:
    horizon = _seconds(scenario, scenario.end)
    edges = {0.0, horizon}
    moments = [r.start for r in scenario.inventory] + [
        r.until for r in scenario.inventory if r.until
    ]
    moments += [m for w in scenario.maintenance for m in (w.start, w.until)]
    edges.update(t for t in (_seconds(scenario, m) for m in moments) if 0.0 < t < horizon)
    ordered = sorted(edges)
    return [
        Stretch(a, b, groups_at(scenario, scenario.start + dt.timedelta(seconds=a)))
        for a, b in itertools.pairwise(ordered)
    ]


def month_edges(scenario: Scenario) -> np.ndarray:
    return np.array([_seconds(scenario, m) for m in scenario.month_starts()])


def capacity_gpu_hours(scenario: Scenario, parts: list[Stretch]) -> np.ndarray:
    """GPU-hours the inventory offers, [month, chip] (chips in `scenario.chips()` order)."""
    edges, chips = month_edges(scenario), scenario.chips()
    result = np.zeros((scenario.months, len(chips)))
    for part in parts:
        for m in range(scenario.months):
            overlap = min(part.end, edges[m + 1]) - max(part.start, edges[m])
            if overlap > 0.0:
                for c, chip in enumerate(chips):
                    result[m, c] += part.gpus(chip) * overlap / HOUR
    return result
