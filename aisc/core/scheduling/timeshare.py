"""Gavel's allocations: the fraction of time each job should spend on each chip type.

Narayanan et al., "Heterogeneity-Aware Cluster Scheduling Policies for Deep Learning
Workloads", OSDI'20, §3-4. An allocation X has one row per job and one column per chip type;
X[m, j] is the share of wall time job m should run on type j, with (the paper's constraints)

    0 <= X[m, j] <= 1,   sum_j X[m, j] <= 1,   sum_m X[m, j] * scale_factor_m <= num_workers_j.

- `fifo_allocation`: Gavel's FIFO (`fifo`, arrival order, a random type with room) and FIFO-perf
  (`fifo_perf`, the fastest type with room); whole jobs, X is 0 or 1; head of line blocks.
- `agnostic_max_min`: Gavel's LAS (`max_min_fairness`), max-min fairness of scale_factor x
  time share. Its LP has one optimum in the GPU shares (water-filling: every job gets the same
  GPU share L, or all of its gang when that is less) but many in how a share is split across
  types, since every type counts the same; we split it in proportion to each type's GPUs, the
  symmetric (centred) optimum.
- `perf_max_min`: Gavel's LAS-perf (`max_min_fairness_perf`), the LP

      maximise_X  min_m  scale_factor_m * throughput(m, X) / throughput(m, X_isolated)

  with throughput(m, X) = sum_j T[m, j] X[m, j] and X_isolated the agnostic allocation above
  (the paper's eq. 2 with Gavel's normalisation). Solved by an `LpSolver` passed in (core needs
  no solver library); among the optima, a second LP takes the one with the largest sum of the
  jobs' normalised throughputs, where Gavel took whichever its solver (ECOS) returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from aisc.core.errors import RuleViolation

# Among max-min optima, the second LP keeps every job within this relative slack of the optimum.
OPTIMUM_SLACK = 1e-6


@dataclass(frozen=True)
class LinearProgram:
    """minimise cost @ x subject to A @ x <= bound and lower <= x <= upper.

    A is given by its non-zero entries (rows[k], cols[k]) = values[k]: the allocation LPs are
    sparse (each job's row touches only its own variables).
    """

    cost: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    values: np.ndarray
    bound: np.ndarray
    lower: np.ndarray
    upper: np.ndarray


class LpSolver(Protocol):
    """Solves a `LinearProgram` to optimality, or raises `RuleViolation` saying why not."""

    def solve(self, problem: LinearProgram) -> np.ndarray: ...


def fifo_allocation(
    speeds: np.ndarray,
    gangs: np.ndarray,
    capacity: np.ndarray,
    *,
    perf: bool,
    keep: dict[int, int],
    choose: np.random.Generator,
) -> dict[int, int]:
    """Chip type (column) per job row, in arrival (row) order, strictly head of line.

    `keep` (agnostic FIFO only) holds the types of jobs placed before, by row: Gavel's FIFO
    never moves a running job; FIFO-perf recomputes every job's type each time, so an earlier
    job takes a fast type as soon as one frees up.
    """
    room = capacity.astype(np.int64)
    placed = dict(keep) if not perf else {}
    for row, column in placed.items():
        room[column] -= gangs[row]
    for row in range(len(gangs)):
        if row in placed:
            continue
        fits = np.flatnonzero((room >= gangs[row]) & (speeds[row] > 0))
        if fits.size == 0:
            break
        if perf:
            column = int(fits[np.argmax(speeds[row, fits])])  # the first of equal bests
        else:
            column = int(fits[choose.integers(fits.size)])
        placed[row] = column
        room[column] -= gangs[row]
    return placed


def agnostic_max_min(gangs: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """Gavel's LAS allocation: the water-filling GPU share, split by the types' GPU counts."""
    total = float(capacity.sum())
    share = np.minimum(gangs, _water_level(gangs.astype(np.float64), total))
    fraction = share / gangs
    return np.outer(fraction, capacity / total)


def _water_level(gangs: np.ndarray, total: float) -> float:
    """The level L with sum(min(gang, L)) = total GPUs (or the widest gang if all fit)."""
    if gangs.sum() <= total:
        return float(gangs.max())
    ordered = np.sort(gangs)
    below = np.concatenate(([0.0], np.cumsum(ordered)[:-1]))
    above = len(ordered) - np.arange(len(ordered))
    levels = (total - below) / above  # the level if jobs from this one up are all cut to it
    cut = int(np.flatnonzero(levels <= ordered)[0])
    return float(levels[cut])


def perf_max_min(
    speeds: np.ndarray, gangs: np.ndarray, capacity: np.ndarray, solver: LpSolver
) -> np.ndarray:
    """Gavel's LAS-perf allocation (see the module's docstring)."""
    jobs, types = speeds.shape
    isolated = (speeds * agnostic_max_min(gangs, capacity)).sum(axis=1)
    weight = speeds * (gangs / isolated)[:, None]  # objective coefficient of X[m, j]
    problem = _max_min_program(weight, gangs, capacity, speeds > 0)
    first = solver.solve(problem)
    level = float(first[-1]) * (1 - OPTIMUM_SLACK)
    lower = problem.lower.copy()
    lower[-1] = level
    cost = np.concatenate((-weight.ravel() / max(float(weight.max()), 1e-300), [0.0]))
    second = solver.solve(
        LinearProgram(
            cost,
            problem.rows,
            problem.cols,
            problem.values,
            problem.bound,
            lower,
            problem.upper,
        )
    )
    table: np.ndarray = np.clip(second[:-1].reshape(jobs, types), 0.0, 1.0)
    return table


def _max_min_program(
    weight: np.ndarray, gangs: np.ndarray, capacity: np.ndarray, usable: np.ndarray
) -> LinearProgram:
    """Variables X (row-major) then t: maximise t with t <= sum_j weight[m, j] X[m, j]."""
    jobs, types = weight.shape
    count = jobs * types
    var = np.arange(count).reshape(jobs, types)
    job_of = np.repeat(np.arange(jobs), types)
    type_of = np.tile(np.arange(types), jobs)
    rows = np.concatenate(
        (
            np.arange(jobs),  # t - sum_j w X <= 0, one row per job: t ...
            job_of,  # ... - w X
            jobs + type_of,  # sum_m gang X[m, j] <= workers_j
            jobs + types + job_of,  # sum_j X[m, j] <= 1
        )
    )
    cols = np.concatenate((np.full(jobs, count), var.ravel(), var.ravel(), var.ravel()))
    values = np.concatenate(
        (np.ones(jobs), -weight.ravel(), np.repeat(gangs.astype(np.float64), types), np.ones(count))
    )
    bound = np.concatenate((np.zeros(jobs), capacity.astype(np.float64), np.ones(jobs)))
    upper = np.concatenate((usable.ravel().astype(np.float64), [np.inf]))
    cost = np.zeros(count + 1)
    cost[-1] = -1.0
    return LinearProgram(cost, rows, cols, values, bound, np.zeros(count + 1), upper)


def check_solution(problem: LinearProgram, x: np.ndarray, tolerance: float = 1e-6) -> None:
    """Raise if `x` breaks the program's constraints (for solvers and their tests)."""
    lhs = np.zeros(len(problem.bound))
    np.add.at(lhs, problem.rows, problem.values * x[problem.cols])
    if (lhs > problem.bound + tolerance).any() or (x < problem.lower - tolerance).any():
        raise RuleViolation("the LP solution breaks its constraints", field="solver")
    if (x > problem.upper + tolerance).any():
        raise RuleViolation("the LP solution breaks its bounds", field="solver")
