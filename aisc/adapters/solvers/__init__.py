"""LP solvers for core's `aisc.core.scheduling.timeshare.LpSolver` (core imports no solver)."""

from __future__ import annotations

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.timeshare import LpSolver

SOLVERS = ("ecos", "highs", "highs-ipm")
# The policies that solve LPs and the solver each gets unless one is named (`--lp-solver`).
# gavel-las-perf: an interior point of the optimal face, as Gavel's ECOS returns, which gives
# Gavel's figure where a vertex does not (docs/benchmarks.md, "Gavel reproduction"). gavel-las:
# "highs" means the water-filling point, found without a solver (timeshare.agnostic_max_min).
POLICY_SOLVER = {"gavel-las": "highs", "gavel-las-perf": "highs-ipm", "srsf-perf": "highs"}


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


def ecos_solver() -> LpSolver:
    """ECOS, Gavel's interior-point solver, or a clear error when it is not installed (it is
    GPL-3.0, so an optional extra: `pip install aisc[gavel]`)."""
    try:
        from aisc.adapters.solvers.ecos import EcosSolver
    except ImportError as exc:
        raise RuleViolation(
            "--lp-solver ecos solves Gavel's linear programs with ECOS, as Gavel does, and ECOS "
            "is not installed (%(exc)s): pip install ecos (GPL-3.0), or use --lp-solver highs "
            "(another optimum where the LP has many; docs/simulator.md)",
            field="lp_solver",
            params={"exc": exc},
        ) from exc
    return EcosSolver()


def highs_ipm_solver() -> LpSolver:
    """HiGHS's interior-point method without crossover (`highspy`), or a clear error."""
    try:
        from aisc.adapters.solvers.highs_ipm import HighsIpmSolver
    except ImportError as exc:  # a dependency; a stripped install may lack it
        raise RuleViolation(
            "--lp-solver highs-ipm solves Gavel's linear programs with HiGHS's interior-point "
            "method, and highspy is not installed (%(exc)s): pip install highspy",
            field="lp_solver",
            params={"exc": exc},
        ) from exc
    return HighsIpmSolver()


def solver_named(name: str) -> LpSolver:
    """The solver called `name` (callers check the name against SOLVERS)."""
    if name == "ecos":
        return ecos_solver()
    return highs_ipm_solver() if name == "highs-ipm" else highs_solver()
