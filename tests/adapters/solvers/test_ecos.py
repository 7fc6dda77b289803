from collections.abc import Callable

import numpy as np
import pytest

from aisc.adapters.solvers import SOLVERS, ecos_solver, highs_ipm_solver, solver_named
from aisc.adapters.solvers.ecos import EcosSolver
from aisc.adapters.solvers.highs import HighsSolver
from aisc.core.errors import RuleViolation
from aisc.core.scheduling.timeshare import LinearProgram, LpSolver, check_solution
from tests.fixtures.solvers import fail_import, program


@pytest.mark.parametrize("solver", [ecos_solver, highs_ipm_solver], ids=["ecos", "highs-ipm"])
def test_interior_point_solvers_solve_a_small_lp_to_its_optimum_within_its_bounds(
    solver: Callable[[], LpSolver],
) -> None:
    x = solver().solve(program(1.5))
    check_solution(program(1.5), x)
    assert x.sum() == pytest.approx(1.5, abs=1e-7)
    # The bounds are kept: with the sum allowed to 3, each variable stops at its upper 1.
    assert solver().solve(program(3.0)).tolist() == pytest.approx([1.0, 1.0], abs=1e-7)


def test_ecos_returns_the_middle_of_a_face_of_optima_where_highs_returns_a_corner() -> None:
    # minimise -x - y subject to x + y <= 1, x, y >= 0, unbounded above: every point of the
    # segment from (1, 0) to (0, 1) is optimal.
    segment = LinearProgram(
        cost=np.array([-1.0, -1.0]),
        rows=np.array([0, 0]),
        cols=np.array([0, 1]),
        values=np.array([1.0, 1.0]),
        bound=np.array([1.0]),
        lower=np.zeros(2),
        upper=np.full(2, np.inf),
    )
    assert EcosSolver.interior
    assert not HighsSolver.interior
    assert ecos_solver().solve(segment).tolist() == pytest.approx([0.5, 0.5], abs=1e-6)
    corner = HighsSolver().solve(segment)
    assert sorted(corner.tolist()) == pytest.approx([0.0, 1.0])


def test_an_infeasible_lp_is_a_clear_error() -> None:
    with pytest.raises(RuleViolation, match="ECOS found no optimal allocation"):
        EcosSolver().solve(program(-1.0))


def test_solvers_are_named_as_the_lp_solver_option_names_them() -> None:
    assert SOLVERS == ("ecos", "highs", "highs-ipm")
    assert isinstance(solver_named("ecos"), EcosSolver)
    assert isinstance(solver_named("highs"), HighsSolver)


def test_without_ecos_the_solver_asks_for_it_and_names_the_other(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fail_import(monkeypatch, "aisc.adapters.solvers.ecos", "ecos")
    with pytest.raises(RuleViolation, match=r"pip install ecos .*--lp-solver highs"):
        ecos_solver()
