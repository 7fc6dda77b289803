import pytest

from aisc.adapters.solvers import highs_solver
from aisc.adapters.solvers.highs import HighsSolver
from aisc.core.errors import RuleViolation
from aisc.core.scheduling.timeshare import check_solution
from tests.fixtures.solvers import fail_import, program


def test_highs_solves_a_small_lp_to_its_optimum() -> None:
    solver = highs_solver()
    x = solver.solve(program(1.5))
    check_solution(program(1.5), x)
    assert x.sum() == pytest.approx(1.5)


def test_an_infeasible_lp_is_a_clear_error() -> None:
    with pytest.raises(RuleViolation, match="HiGHS found no optimal allocation"):
        HighsSolver().solve(program(-1.0))


def test_without_scipy_the_solver_asks_for_it_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    fail_import(monkeypatch, "aisc.adapters.solvers.highs", "scipy")
    with pytest.raises(RuleViolation, match="SciPy is not installed"):
        highs_solver()
