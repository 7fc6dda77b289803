"""`LpSolver` on HiGHS's interior-point method with crossover off (`highspy`, MIT, from HiGHS's
maintainers; SciPy's `linprog` always runs crossover, so it returns a vertex).

Without crossover the point returned is where the interior-point path stops, near the analytic
centre of the optimal face, as ECOS's (Gavel's solver) is: where Gavel's LPs have many optima
this is the one Gavel's runs allocate, without ECOS's GPL-3.0 licence (docs/simulator.md,
"Gavel reproduction"). Presolve is off, so that the method walks the LP as given, as ECOS
(which has none) does; on the Gavel LPs tried it made no difference.
"""

from __future__ import annotations

import os
import sys

import highspy
import numpy as np
from scipy.sparse import coo_array

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.timeshare import LinearProgram


class HighsIpmSolver:
    interior = True

    def __init__(self) -> None:
        self.solves = 0

    def solve(self, problem: LinearProgram) -> np.ndarray:
        rows, count = len(problem.bound), len(problem.cost)
        matrix = coo_array((problem.values, (problem.rows, problem.cols)), shape=(rows, count))
        columns = matrix.tocsc()
        lp = highspy.HighsLp()
        lp.num_col_ = count
        lp.num_row_ = rows
        lp.col_cost_ = problem.cost
        lp.col_lower_ = problem.lower
        lp.col_upper_ = problem.upper
        lp.row_lower_ = np.full(rows, -highspy.kHighsInf)
        lp.row_upper_ = problem.bound
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = columns.indptr
        lp.a_matrix_.index_ = columns.indices
        lp.a_matrix_.value_ = columns.data
        highs = _highs()
        for option, value in OPTIONS.items():
            highs.setOptionValue(option, value)
        highs.passModel(lp)
        self.solves += 1
        status = highspy.HighsModelStatus.kNotset
        for crossover, tolerance in ATTEMPTS:
            highs.clearSolver()
            highs.setOptionValue("run_crossover", crossover)
            highs.setOptionValue("ipm_optimality_tolerance", tolerance)
            highs.run()
            status = highs.getModelStatus()
            if status == highspy.HighsModelStatus.kOptimal:
                return np.asarray(highs.getSolution().col_value, dtype=np.float64)
        raise RuleViolation(
            "HiGHS's interior-point method found no optimal allocation: %(message)s",
            field="solver",
            params={"message": highs.modelStatusToString(status)},
        )


OPTIONS: dict[str, bool | str | int] = {
    "output_flag": False,
    "solver": "ipx",  # HiGHS's IPX, named: "ipm" may come to mean its other interior-point solver
    "presolve": "off",
    "threads": 1,
}
# On a few LPs IPX stops short of HiGHS's optimality test at its default tolerance (status
# "Unknown"; one in a `gavel-las` run of seed 2), and passes it at a looser one: ECOS's own
# "optimal to reduced accuracy", which Gavel's runs accept. Crossover, which returns a vertex,
# is the last resort: an optimum all the same, not the middle of the face.
ATTEMPTS = (("off", 1e-8), ("off", 1e-7), ("off", 1e-6), ("on", 1e-8))


_bannered = False


def _highs() -> highspy.Highs:
    """A new `Highs`. The first one of a process prints HiGHS's banner on C's stdout before any
    option can turn output off, which would corrupt `aisc sim run --json`: it goes to
    /dev/null."""
    global _bannered
    if _bannered:
        return highspy.Highs()  # type: ignore[no-untyped-call]  # highspy's __init__ is untyped
    sys.stdout.flush()
    saved = os.dup(1)
    sink = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(sink, 1)
        highs = highspy.Highs()  # type: ignore[no-untyped-call]
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(sink)
    _bannered = True
    return highs
