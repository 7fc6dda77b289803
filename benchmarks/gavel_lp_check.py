"""Is our `--lp-solver ecos` allocation the one Gavel's own code computes? (issue 19)

Gavel's `gavel-las-perf` (`MaxMinFairnessPolicyWithPerf` in `scheduler/policies/
max_min_fairness.py` at 40a22a7, normalised by `ProportionalPolicy.get_throughputs` in
`proportional.py`, with `Policy.get_base_constraints` in `policy.py`) states its LP in cvxpy
and solves it with ECOS; we state them as a `LinearProgram` and call ECOS directly
(`aisc/adapters/solvers/ecos.py`). This script builds both for the jobs `N` arriving after the
first 50 of Gavel's seed-0 workload on 36:36:36 (all active at once, as in a loaded round) and
prints the largest difference between the two allocations, and that to `--lp-solver highs` (a
vertex of the same optimal face). Gavel's side needs cvxpy, which the platform does not depend
on:

    pip install cvxpy   # into a scratch environment with aisc installed
    AISC_TRACE_DIR=... python benchmarks/gavel_lp_check.py [--jobs 30 150 600]

Without cvxpy it says so and compares ours only: ECOS's point against our default's (HiGHS's
interior-point method without crossover, another interior point) and the vertex's.
Last, one LAS LP with a wide optimal face: each gang size's GPUs at ECOS's point and at HiGHS's.
"""

from __future__ import annotations

import argparse
import importlib
from typing import Any

import numpy as np
from public_traces import trace_path

from aisc.adapters.solvers.ecos import EcosSolver
from aisc.adapters.solvers.highs import HighsSolver
from aisc.adapters.solvers.highs_ipm import HighsIpmSolver
from aisc.core.scheduling.timeshare import agnostic_max_min, perf_max_min
from aisc.core.simulation.synthetic import gavel_continuous
from aisc.core.simulation.traces.gavel import read_throughputs

CHIPS = ("v100", "p100", "k80")
CAPACITY = np.array([36, 36, 36])


def cvxpy_max_min(cp: Any, weight: np.ndarray, gangs: np.ndarray) -> np.ndarray:
    """Gavel's LP as its code states it: maximise min_m sum_j weight[m, j] * gang_m * X[m, j]
    subject to X >= 0, sum_m gang_m X[m, j] <= GPUs_j, sum_j X[m, j] <= 1; X clipped to [0, 1]."""
    scale = np.repeat(gangs.astype(float)[:, None], weight.shape[1], axis=1)
    x = cp.Variable(weight.shape)
    objective = cp.Maximize(cp.min(cp.sum(cp.multiply(weight * scale, x), axis=1)))
    constraints = [
        x >= 0,
        cp.sum(cp.multiply(scale, x), axis=0) <= CAPACITY,
        cp.sum(x, axis=1) <= 1,
    ]
    cp.Problem(objective, constraints).solve(solver="ECOS")
    point: np.ndarray = np.clip(np.asarray(x.value, dtype=np.float64), 0.0, 1.0)
    return point


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, nargs="+", default=[30, 150, 600])
    args = parser.parse_args()
    try:
        cp: Any = importlib.import_module("cvxpy")
    except ImportError:
        cp = None
        print("gavel_lp_check: no cvxpy, so Gavel's own LP is not solved (see the docstring)")
    matrix = read_throughputs(
        (trace_path("gavel") / "simulation_throughputs.json").read_text("utf-8")
    )
    for count in args.jobs:
        columns = gavel_continuous(count + 50, jobs_per_hour=2.6, matrix=matrix, seed=0).as_lists()
        jobs = [columns.job(i) for i in range(50, 50 + count)]
        speeds = np.array([[job.speed_on(chip) for chip in CHIPS] for job in jobs])
        gangs = np.array([job.gpus for job in jobs])
        ours = perf_max_min(speeds, gangs, CAPACITY, EcosSolver())
        vertex = perf_max_min(speeds, gangs, CAPACITY, HighsSolver())
        interior = perf_max_min(speeds, gangs, CAPACITY, HighsIpmSolver())
        print(
            f"{count} jobs: max |ours with ECOS - ours with HiGHS's IPM (the default)| = "
            f"{np.abs(ours - interior).max():.1e}; - ours with HiGHS, a vertex = "
            f"{np.abs(ours - vertex).max():.2f}"
        )
        if cp is None:
            continue
        # ProportionalPolicy: x[m, j] = GPUs_j / M, divided by the largest row sum.
        share = np.tile(CAPACITY / len(jobs), (len(jobs), 1))
        share = share / share.sum(axis=1).max()
        weight = speeds / (speeds * share).sum(axis=1)[:, None]
        gavel = cvxpy_max_min(cp, weight, gangs)
        same, vertex_gap = np.abs(gavel - ours).max(), np.abs(gavel - vertex).max()
        print(
            f"{count} jobs: max |Gavel's cvxpy+ECOS X - ours with ECOS| = {same:.1e}; "
            f"- ours with HiGHS = {vertex_gap:.2f}"
        )
    las_shares()


def las_shares() -> None:
    """LAS (`max_min_fairness`) where the narrowest gang caps the minimum, so the optimal face
    is wide: each gang size's mean GPU share at ECOS's point and at HiGHS's interior point."""
    gangs = np.array([1] * 60 + [2] * 10 + [4] * 5 + [8] * 3)
    for name, solver in (("ECOS", EcosSolver()), ("HiGHS's IPM", HighsIpmSolver())):
        gpus = (agnostic_max_min(gangs, CAPACITY, solver) * gangs[:, None]).sum(axis=1)
        shares = ", ".join(f"{g}-GPU {gpus[gangs == g].mean():.2f}" for g in (1, 2, 4, 8))
        print(f"LAS, 60/10/5/3 jobs of 1/2/4/8 GPUs, GPUs per job with {name}: {shares}")


if __name__ == "__main__":
    main()
