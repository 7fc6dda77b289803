"""LP solvers for core's `aisc.core.scheduling.timeshare.LpSolver` (core imports no solver)."""

from __future__ import annotations

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.timeshare import LpSolver


def highs_solver() -> LpSolver:
    """SciPy's HiGHS, or a clear error when SciPy is not installed."""
    try:
        from aisc.adapters.solvers.highs import HighsSolver
    except ImportError as exc:  # SciPy is a dependency; a stripped install may lack it
        raise RuleViolation(
            "this policy solves linear programs with SciPy's HiGHS, and SciPy is not "
            "installed (%(exc)s): pip install scipy",
            field="policy",
            params={"exc": exc},
        ) from exc
    return HighsSolver()
