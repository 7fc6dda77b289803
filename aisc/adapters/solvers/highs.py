"""`LpSolver` on SciPy's HiGHS (`scipy.optimize.linprog(method="highs")`)."""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_array

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.timeshare import LinearProgram


class HighsSolver:
    interior = False  # simplex, or interior point then crossover (SciPy always runs it): a vertex

    def __init__(self) -> None:
        self.solves = 0

    def solve(self, problem: LinearProgram) -> np.ndarray:
        shape = (len(problem.bound), len(problem.cost))
        matrix = coo_array((problem.values, (problem.rows, problem.cols)), shape=shape).tocsr()
        bounds = np.column_stack((problem.lower, problem.upper))
        result = linprog(
            problem.cost, A_ub=matrix, b_ub=problem.bound, bounds=bounds, method="highs"
        )
        self.solves += 1
        if result.status != 0 or result.x is None:
            raise RuleViolation(
                "HiGHS found no optimal allocation: %(message)s",
                field="solver",
                params={"message": result.message},
            )
        return np.asarray(result.x, dtype=np.float64)
