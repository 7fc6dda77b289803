import subprocess
import sys

import numpy as np
import pytest

from aisc.adapters.solvers import highs_ipm_solver, solver_named
from aisc.adapters.solvers.highs_ipm import HighsIpmSolver
from aisc.core.errors import RuleViolation
from aisc.core.scheduling.timeshare import LinearProgram, check_solution
from tests.fixtures.solvers import fail_import, program


def test_highs_ipm_solves_a_small_lp_to_its_optimum_within_its_bounds() -> None:
    x = highs_ipm_solver().solve(program(1.5))
    check_solution(program(1.5), x)
    assert x.sum() == pytest.approx(1.5, abs=1e-7)
    assert highs_ipm_solver().solve(program(3.0)).tolist() == pytest.approx([1.0, 1.0], abs=1e-7)


def test_highs_ipm_returns_the_middle_of_a_face_of_optima_as_ecos_does() -> None:
    # minimise -x - y - z subject to x + y + z <= 1, x, y, z >= 0: the triangle of optima has
    # the centre (1/3, 1/3, 1/3); a vertex solver would return one of its corners.
    triangle = LinearProgram(
        cost=-np.ones(3),
        rows=np.zeros(3, np.int64),
        cols=np.arange(3),
        values=np.ones(3),
        bound=np.array([1.0]),
        lower=np.zeros(3),
        upper=np.full(3, np.inf),
    )
    assert HighsIpmSolver.interior
    assert HighsIpmSolver().solve(triangle).tolist() == pytest.approx([1 / 3] * 3, abs=1e-6)


def test_an_infeasible_lp_is_a_clear_error() -> None:
    with pytest.raises(RuleViolation, match="interior-point method found no optimal allocation"):
        HighsIpmSolver().solve(program(-1.0))


def test_the_solver_is_named_highs_ipm() -> None:
    assert isinstance(solver_named("highs-ipm"), HighsIpmSolver)


def test_highs_banner_does_not_reach_standard_output() -> None:
    # The first Highs of a process prints a banner on C's stdout: `--json` output would break.
    code = (
        "from aisc.adapters.solvers.highs_ipm import HighsIpmSolver\n"
        "from tests.fixtures.solvers import program\n"
        "print(round(HighsIpmSolver().solve(program(1.5)).sum(), 6))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "1.5"


def test_without_highspy_the_solver_asks_for_it_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    fail_import(monkeypatch, "aisc.adapters.solvers.highs_ipm", "highspy")
    with pytest.raises(RuleViolation, match="pip install highspy"):
        highs_ipm_solver()
