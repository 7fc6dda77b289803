"""Sweeps: variants of a scenario (inventory scale, policy, overbooking), each run over seeds.

A sweep is a list of cells, one per (variant, seed); cells are independent, so the CLI hands
them to worker processes and combines each variant's seeds afterwards (`summarise`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from aisc.core.capacity.report import Plan
from aisc.core.capacity.scenario import PLAN_POLICIES, Scenario
from aisc.core.errors import RuleViolation


def variants(
    scenarios: Sequence[Scenario],
    policies: Sequence[str] = (),
    overbooking: Sequence[float] = (),
    scales: Sequence[float] = (),
) -> list[Scenario]:
    """Every combination; an empty axis keeps each scenario's own value."""
    for name in policies:
        if name not in PLAN_POLICIES:
            raise RuleViolation(
                "policy: %(name)s is not one of %(plan_policies)s",
                field="policy",
                params={"name": f"{name!r}", "plan_policies": ", ".join(PLAN_POLICIES)},
            )
    for value in (*overbooking, *scales):
        if not 0.0 < value <= 10.0:
            raise RuleViolation(
                "overbooking and scale must be in (0, 10], got %(value)s",
                field="sweep",
                params={"value": f"{value:g}"},
            )
    result = []
    axes: tuple[list[str | None], list[float | None], list[float | None]] = (
        [*policies] or [None],
        [*overbooking] or [None],
        [*scales] or [None],
    )
    for scenario, policy, factor, scale in itertools.product(scenarios, *axes):
        changed = replace(
            scenario,
            policy=policy or scenario.policy,
            overbooking=scenario.overbooking if factor is None else factor,
        )
        if scale is not None:
            rows = tuple(replace(r, nodes=round(r.nodes * scale)) for r in scenario.inventory)
            changed = replace(changed, inventory=rows)
        label = [scenario.name]
        label += [changed.policy] if policy else []
        label += [f"x{factor:g}"] if factor is not None else []
        label += [f"scale{scale:g}"] if scale is not None else []
        result.append(replace(changed, name=" ".join(label)))
    return result


def summarise(result: Plan) -> dict[str, Any]:
    """One line of a sweep: the variant and its figures over the horizon (median over seeds)."""
    scenario = result.scenario
    capacity = float(result.capacity_h.sum())
    delivered = result.stack("delivered_h").sum(axis=(1, 2))
    fits = result.fits()
    return {
        "scenario": scenario.name,
        "policy": scenario.policy,
        "overbooking": scenario.overbooking,
        "nodes": sum(r.nodes for r in scenario.inventory),
        "utilization": round(float(np.median(delivered)) / capacity, 4) if capacity else 0.0,
        "undeliverable_gpu_hours": round(float(np.median(result.undeliverable())), 1),
        "saturation_month": result.saturation_month(),
        "fits": {size: int(np.median(counts)) for size, counts in fits.items()},
        "seeds": len(result.runs),
    }
