"""Capacity planning: a 24-month plan of a 400-node centre with 5 seeds, and a sweep's speed-up.

1. `plan`: 400 H800 nodes x 8 GPUs, 24 months, the demand mix below (about 0.8 of capacity in
   steady state), seeds 0-4, in one process pinned to one core. Aim (issue 17): under 60 s.
2. `sweep`: 20 scenarios (a 48-node centre, 12 months, inventory scaled 0.6x to 2.5x) x 5 seeds
   = 100 cells, run by `aisc.cli.capacity.run_cells` (the command's own code) on one process
   and on two (ProcessPoolExecutor), in the order 1, 2, 2, 1. Aim: speed-up >= 1.8x (the sum of
   the one-process walls over the sum of the two-process walls).

Usage: .venv/bin/python benchmarks/capacity_plan.py [plan|sweep ...]   (default: both)
Prints CPU and wall seconds and the load average: on a shared machine wall time also counts other
processes' turns, and a speed-up needs both cores free to show.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from typing import Any

PLAN_AIM_S = 60.0
SPEEDUP_AIM = 1.8


def centre(nodes: int, months: int, scale: float = 1.0) -> dict[str, Any]:
    """Demand sized to `nodes` nodes: large (10 nodes x 12 months), medium (3 x 6), small
    (2-3 x 3) projects arriving each month, a few awarded at the start."""
    rate = nodes / 400
    return {
        "name": f"centre{nodes}" if scale == 1.0 else f"centre{nodes} scale{scale:g}",
        "start": "2026-01",
        "months": months,
        "inventory": [{"chip": "h800", "nodes": round(nodes * scale), "from": "2026-01"}],
        "mix": [
            {"name": "large-now", "chip": "h800", "count": max(1, round(8 * rate)),
             "nodes": 10, "months": 12},
            {"name": "large", "chip": "h800", "per_month": 1.5 * rate, "nodes": 10, "months": 12},
            {"name": "medium", "chip": "h800", "per_month": 5 * rate, "nodes": 3, "months": 6},
            {"name": "small", "chip": "h800", "per_month": 10 * rate, "nodes": [2, 3],
             "months": 3},
        ],
    }  # fmt: skip


def _cpu() -> float:
    """CPU seconds of this process and of its ended children (the pool's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def bench_plan() -> None:
    from aisc.core.capacity.report import as_json, plan
    from aisc.core.capacity.scenario import scenario_from_dict

    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    scenario = scenario_from_dict(centre(400, 24))
    load_before = load()
    wall, cpu = time.perf_counter(), time.process_time()
    result = plan(scenario, [0, 1, 2, 3, 4])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    doc = as_json(result)
    rows = doc["months"]
    utilisation = sum(r["delivered_gpu_hours"] for r in rows) / sum(
        r["capacity_gpu_hours"] for r in rows
    )
    verdict = "meets" if cpu < PLAN_AIM_S else "misses"
    print(
        f"plan 400 nodes x 24 months x 5 seeds: {doc['jobs']:,} jobs a seed, "
        f"CPU {cpu:.1f} s, wall {wall:.1f} s, utilisation {utilisation:.3f}, "
        f"saturation {doc['saturation_month']}, load {load_before} -> {load()}: "
        f"{verdict} the {PLAN_AIM_S:.0f} s aim (CPU, one core)"
    )


def bench_sweep() -> None:
    from aisc.cli.capacity import run_cells
    from aisc.core.capacity.scenario import scenario_from_dict

    scales = [0.6 + 0.1 * i for i in range(20)]
    scenarios = [scenario_from_dict(centre(48, 12, scale)) for scale in scales]
    cells = [(s, seed) for s in scenarios for seed in range(5)]
    times: dict[int, list[float]] = {1: [], 2: []}
    for workers in (1, 2, 2, 1):  # both orders, so a change in the machine's load shows
        load_before = load()
        wall, cpu = time.perf_counter(), _cpu()
        runs = run_cells(cells, workers)
        wall, cpu = time.perf_counter() - wall, _cpu() - cpu
        times[workers].append(wall)
        print(
            f"sweep 20 scenarios x 5 seeds on {workers} process(es): wall {wall:.1f} s, "
            f"CPU {cpu:.1f} s (workers included), {cpu / wall:.2f} cores busy, {len(runs)} cells, "
            f"load {load_before} -> {load()}"
        )
    speedup = sum(times[1]) / sum(times[2])
    verdict = "meets" if speedup >= SPEEDUP_AIM else "misses"
    print(f"sweep speed-up 2 processes over 1: {speedup:.2f}x: {verdict} the {SPEEDUP_AIM}x aim")


if __name__ == "__main__":
    chosen = sys.argv[1:] or ["plan", "sweep"]
    if "sweep" in chosen:  # before plan pins this process to one core
        bench_sweep()
    if "plan" in chosen:
        bench_plan()
