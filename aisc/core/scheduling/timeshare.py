"""Gavel's allocations: the fraction of time each job should spend on each chip type.

Narayanan et al., "Heterogeneity-Aware Cluster Scheduling Policies for Deep Learning
Workloads", OSDI'20, §3-4. An allocation X has one row per job and one column per chip type;
X[m, j] is the share of wall time job m should run on type j, with (the paper's constraints)

    0 <= X[m, j] <= 1,   sum_j X[m, j] <= 1,   sum_m X[m, j] * scale_factor_m <= num_workers_j.

- `fifo_allocation`: Gavel's FIFO (`fifo`) and FIFO-perf (`fifo_perf`, the fastest type with
  room), as Gavel's code does them (including where its agnostic FIFO does not do what its
  comment says); whole jobs, X is 0 or 1; head of line blocks.
- `agnostic_max_min`: Gavel's LAS (`max_min_fairness`), the LP

      maximise_X  min_m  scale_factor_m * sum_j X[m, j]

  (every type counting the same). Only its minimum is fixed: when some job's gang caps it, the
  GPUs left over, and how every share splits across types, are free. Gavel takes the point its
  interior-point solver (ECOS, through cvxpy) returns, in the middle of that optimal face; so do
  we with an interior-point `LpSolver` (`solver.interior`). Without one: the water-filling
  point (every job gets the same GPU share L, or all of its gang when that is less), split in
  proportion to each type's GPUs, found without a solver.
- `perf_max_min`: Gavel's LAS-perf (`max_min_fairness_perf`), the LP

      maximise_X  min_m  scale_factor_m * throughput(m, X) / throughput(m, X_proportional)

  with throughput(m, X) = sum_j T[m, j] X[m, j] and X_proportional Gavel's `ProportionalPolicy`
  share: every job on every type in proportion to the type's GPUs, the row summing to 1
  (stanford-futuredata/gavel, `scheduler/policies/max_min_fairness.py` at 40a22a7 and
  `proportional.py`; an earlier version, 0194a78, normalised by the agnostic allocation above,
  which weights a gang by scale_factor squared: a 4-GPU job among 1-GPU ones would get a
  quarter of their GPU share). Solved by an
  `LpSolver` passed in (core needs no solver library). An interior-point solver gets Gavel's
  LP as its code states it (no bound on X but X >= 0, as `Policy.get_base_constraints`) and its
  point is used as it is, as Gavel does; a vertex solver (HiGHS) gets X <= 1 and X = 0 where
  the job cannot run, and a second LP takes, among the optima, the one with the largest sum of
  the jobs' normalised throughputs.
- `perf_srsf`: ours, not Gavel's (`srsf-perf`): shortest remaining service first on effective
  throughput, the LP

      maximise_X  sum_m  throughput(m, X) / remaining steps of m

  i.e. the rate at which the jobs' remaining work is being finished, summed. Per GPU of type
  j, X[m, j] is worth T[m, j] / (remaining_m * scale_factor_m): the job with the least remaining
  GPU-time on that type comes first (Tiresias' SRSF, Gu et al., NSDI'19, with each type's own
  speed), so short jobs pass long ones and each type goes to the jobs it finishes soonest.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
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
    """Solves a `LinearProgram` to optimality, or raises `RuleViolation` saying why not.

    `interior`: the optimum returned lies in the middle of the optimal face (an interior-point
    method without crossover, as ECOS, Gavel's solver), not at one of its vertices (simplex, or
    interior point with crossover, as SciPy's HiGHS). Where an LP has many optima, that decides
    which one a Gavel policy allocates.
    """

    interior: bool

    def solve(self, problem: LinearProgram) -> np.ndarray: ...


def fifo_allocation(
    speeds: np.ndarray,
    gangs: np.ndarray,
    capacity: np.ndarray,
    *,
    perf: bool,
    arrivals: Sequence[int],
    previous: dict[int, int],
    names: Sequence[str],
    choose: random.Random,
) -> dict[int, int]:
    """Gavel's FIFO allocation (`FIFOPolicy.get_allocation`, scheduler/policies/fifo.py at
    fc065b6), step for step: arrival number -> chip type (column) for the active jobs.

    Row i is the active job with arrival number `arrivals[i]` (increasing); `previous` is the
    allocation returned last time (agnostic FIFO keeps it; it may name jobs that have ended
    since); `names` are the types' names, whose sorted order Gavel walks.

    1. Agnostic FIFO keeps every placed job's type. Walking the previous allocation in arrival
       order, each ended job's type goes to the head of the queue if the head fits in what the
       jobs walked so far leave of it (`scale_factors[...] <= available_workers[worker_type]`,
       counted part way), as Gavel does.
    2. Then the queue, in arrival order, while some type has a free GPU: the head is dropped
       from this pass (and blocks all behind it) if its gang fits in no type. FIFO-perf gives it
       the fastest type among those where it fits. Agnostic FIFO draws a random index among
       them (`self._rng.randrange`) but never uses it to pick the type: `worker_type` is still
       the loop variable of the scan over the free types, the last of them in name order
       (v100 of k80 / p100 / v100), whether or not the gang fits there; the drawn index only
       says which type leaves the free list when the chosen one reaches exactly zero.
       That is why Gavel's "FIFO" runs nearly every job on V100s, oversubscribed and
       time-shared by the rounds (docs/simulator.md, "Gavel reproduction").
    A job whose chosen type cannot run it (throughput 0) takes the last free type in name
    order that can, where its gang fits; with none it is passed over in this pass (Gavel's
    behaviour, the same wherever Gavel's own clusters and throughputs can reach it).
    """
    available = capacity.astype(np.int64)
    row_of = {arrival: row for row, arrival in enumerate(arrivals)}
    placed = {} if perf else dict(previous)
    queue = [arrival for arrival in arrivals if arrival not in placed]
    for arrival in sorted(placed):
        column = placed[arrival]
        if arrival in row_of:
            available[column] -= gangs[row_of[arrival]]
            continue
        del placed[arrival]
        if queue:
            head = row_of[queue[0]]
            if gangs[head] <= available[column] and speeds[head, column] > 0:
                placed[queue.pop(0)] = column
                available[column] -= gangs[head]
    free = [c for c in sorted(range(len(names)), key=lambda c: names[c]) if available[c] > 0]
    while queue and free:
        arrival = queue.pop(0)
        row = row_of[arrival]
        fits = [i for i, c in enumerate(free) if available[c] >= gangs[row]]
        if not fits:
            break
        if perf:
            pick = max(fits, key=lambda i: (speeds[row, free[i]], -i))  # the first of equals
            column = free[pick]
        else:
            pick = fits[choose.randrange(len(fits))]
            column = free[-1]
            if speeds[row, column] <= 0:
                # Gavel passes the job over for this pass, which is the same on its clusters (a
                # type that cannot run a job is K80, first in name order, so no usable type is
                # free after it); here a pinned chip or a reserved type may never fill, and the
                # job would wait forever: it takes the last free type it can run on instead.
                usable = [i for i in fits if speeds[row, free[i]] > 0]
                if usable:
                    column = free[usable[-1]]
        if speeds[row, column] > 0:
            placed[arrival] = column
            available[column] -= gangs[row]
            if available[column] == 0:
                free.pop(pick)
    return placed


def agnostic_max_min(
    gangs: np.ndarray, capacity: np.ndarray, solver: LpSolver | None = None
) -> np.ndarray:
    """Gavel's LAS allocation: Gavel's LP where the solver is an interior-point one, else the
    water-filling GPU share, split by the types' GPU counts (see the module's docstring)."""
    if solver is not None and solver.interior:
        weight = np.repeat(gangs.astype(np.float64)[:, None], len(capacity), axis=1)
        return _gavel_optimum(weight, gangs, capacity, solver)
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
    proportional = speeds @ (capacity / capacity.sum())  # each job's X_proportional throughput
    weight = speeds * (gangs / proportional)[:, None]  # objective coefficient of X[m, j]
    if solver.interior:
        return _gavel_optimum(weight, gangs, capacity, solver)
    problem = _max_min_program(weight, gangs, capacity, (speeds > 0).astype(np.float64), 0.0)
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


def perf_srsf(
    speeds: np.ndarray,
    gangs: np.ndarray,
    remaining: np.ndarray,
    capacity: np.ndarray,
    solver: LpSolver,
) -> np.ndarray:
    """Our SRSF allocation on effective throughput (see the module's docstring); `remaining`
    is each job's work still to do, in the units `speeds` runs it at (> 0)."""
    jobs, types = speeds.shape
    weight = speeds / remaining[:, None]
    weight = weight / max(float(weight.max()), 1e-300)  # the optimum is the same; HiGHS likes O(1)
    count = jobs * types
    var = np.arange(count).reshape(jobs, types)
    job_of = np.repeat(np.arange(jobs), types)
    type_of = np.tile(np.arange(types), jobs)
    problem = LinearProgram(
        cost=-weight.ravel(),
        rows=np.concatenate((type_of, types + job_of)),
        cols=np.concatenate((var.ravel(), var.ravel())),
        values=np.concatenate((np.repeat(gangs.astype(np.float64), types), np.ones(count))),
        bound=np.concatenate((capacity.astype(np.float64), np.ones(jobs))),
        lower=np.zeros(count),
        upper=(speeds > 0).ravel().astype(np.float64),
    )
    table: np.ndarray = np.clip(solver.solve(problem).reshape(jobs, types), 0.0, 1.0)
    return table


def _gavel_optimum(
    weight: np.ndarray, gangs: np.ndarray, capacity: np.ndarray, solver: LpSolver
) -> np.ndarray:
    """Gavel's max-min LP as its code states it (X >= 0, t free), solved once; X clipped to
    [0, 1] as Gavel clips it."""
    jobs, types = weight.shape
    problem = _max_min_program(weight, gangs, capacity, np.full(weight.shape, np.inf), -np.inf)
    table: np.ndarray = np.clip(solver.solve(problem)[:-1].reshape(jobs, types), 0.0, 1.0)
    return table


def _max_min_program(
    weight: np.ndarray,
    gangs: np.ndarray,
    capacity: np.ndarray,
    upper: np.ndarray,
    t_lower: float,
) -> LinearProgram:
    """Variables X (row-major) then t: maximise t with t <= sum_j weight[m, j] X[m, j];
    `upper` bounds X, `t_lower` bounds t."""
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
    upper = np.concatenate((upper.ravel(), [np.inf]))
    lower = np.zeros(count + 1)
    lower[-1] = t_lower
    cost = np.zeros(count + 1)
    cost[-1] = -1.0
    return LinearProgram(cost, rows, cols, values, bound, lower, upper)


def check_solution(problem: LinearProgram, x: np.ndarray, tolerance: float = 1e-6) -> None:
    """Raise if `x` breaks the program's constraints (for solvers and their tests)."""
    lhs = np.zeros(len(problem.bound))
    np.add.at(lhs, problem.rows, problem.values * x[problem.cols])
    if (lhs > problem.bound + tolerance).any() or (x < problem.lower - tolerance).any():
        raise RuleViolation("the LP solution breaks its constraints", field="solver")
    if (x > problem.upper + tolerance).any():
        raise RuleViolation("the LP solution breaks its bounds", field="solver")
