import builtins
from typing import Any

import numpy as np
import pytest

from aisc.adapters.solvers import highs_solver
from aisc.adapters.solvers.highs import HighsSolver
from aisc.core.errors import RuleViolation
from aisc.core.scheduling.timeshare import LinearProgram, check_solution


def program(bound: float) -> LinearProgram:
    # minimise -x - y subject to x + y <= bound, x - y <= 0, 0 <= x, y <= 1
    return LinearProgram(
        cost=np.array([-1.0, -1.0]),
        rows=np.array([0, 0, 1, 1]),
        cols=np.array([0, 1, 0, 1]),
        values=np.array([1.0, 1.0, 1.0, -1.0]),
        bound=np.array([bound, 0.0]),
        lower=np.zeros(2),
        upper=np.ones(2),
    )


def test_highs_solves_a_small_lp_to_its_optimum() -> None:
    solver = highs_solver()
    x = solver.solve(program(1.5))
    check_solution(program(1.5), x)
    assert x.sum() == pytest.approx(1.5)


def test_an_infeasible_lp_is_a_clear_error() -> None:
    with pytest.raises(RuleViolation, match="HiGHS found no optimal allocation"):
        HighsSolver().solve(program(-1.0))


def test_without_scipy_the_solver_asks_for_it_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_scipy(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "aisc.adapters.solvers.highs":
            raise ImportError("No module named 'scipy'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_scipy)
    with pytest.raises(RuleViolation, match="SciPy is not installed"):
        highs_solver()
