"""`LpSolver` on ECOS (Domahidi, Chu and Boyd, ECC 2013), the interior-point solver Gavel's
policies solve their LPs with (through cvxpy: `Policy(solver='ECOS')`). Its optimum lies in the
middle of the optimal face, which is the allocation Gavel's simulator uses where its LPs have
many optima (docs/simulator.md, "Gavel reproduction"). ECOS is GPL-3.0 and optional."""

from __future__ import annotations

import ecos
import numpy as np
from scipy.sparse import coo_matrix

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.timeshare import LinearProgram

# ECOS's exit flags: optimal, and optimal to reduced accuracy (cvxpy's "optimal_inaccurate",
# whose point Gavel uses all the same: it only prints a warning).
ACCEPTED = (0, 10)


class EcosSolver:
    interior = True

    def __init__(self) -> None:
        self.solves = 0

    def solve(self, problem: LinearProgram) -> np.ndarray:
        count = len(problem.cost)
        below = np.flatnonzero(np.isfinite(problem.lower))
        above = np.flatnonzero(np.isfinite(problem.upper))
        rows = len(problem.bound)
        # ECOS takes G x <= h only: the bounds become rows (-x <= -lower, x <= upper).
        matrix = coo_matrix(
            (
                np.concatenate((problem.values, -np.ones(len(below)), np.ones(len(above)))),
                (
                    np.concatenate(
                        (
                            problem.rows,
                            rows + np.arange(len(below)),
                            rows + len(below) + np.arange(len(above)),
                        )
                    ),
                    np.concatenate((problem.cols, below, above)),
                ),
            ),
            shape=(rows + len(below) + len(above), count),
        ).tocsc()
        bound = np.concatenate((problem.bound, -problem.lower[below], problem.upper[above]))
        result = ecos.solve(
            problem.cost, matrix, bound, {"l": len(bound), "q": [], "e": 0}, verbose=False
        )
        self.solves += 1
        flag = int(result["info"]["exitFlag"])
        if flag not in ACCEPTED:
            raise RuleViolation(
                "ECOS found no optimal allocation: %(message)s",
                field="solver",
                params={"message": result["info"]["infostring"]},
            )
        return np.asarray(result["x"], dtype=np.float64)
