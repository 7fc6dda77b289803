import subprocess
import sys

import numpy as np
import pytest

from aisc.adapters.solvers import highs_ipm, highs_ipm_solver, solver_named
from aisc.adapters.solvers.ecos import EcosSolver
from aisc.adapters.solvers.highs_ipm import HighsIpmSolver
from aisc.core.errors import RuleViolation
from aisc.core.scheduling.timeshare import LinearProgram, agnostic_max_min
from tests.fixtures.solvers import fail_import, program


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


# The gangs of the active jobs, in arrival order, at an allocation of a `gavel-las` run (Gavel's
# seed 2 workload) where IPX stops short of HiGHS's optimality test at 1e-8 (status "Unknown").
STOPS_SHORT = "8" * 325 + (
    "488888448484188884448811818881884181481818888184111814844841"
    "8884141414418481888184122882148141484111412414111111112"
)


def test_where_ipx_stops_short_a_looser_tolerance_gives_the_interior_optimum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gangs, room = np.array([int(g) for g in STOPS_SHORT]), np.array([36, 36, 36])
    with monkeypatch.context() as only_the_first:
        only_the_first.setattr(highs_ipm, "ATTEMPTS", highs_ipm.ATTEMPTS[:1])
        with pytest.raises(RuleViolation, match="Unknown"):  # HiGHS 1.16.0, as locked
            agnostic_max_min(gangs, room, HighsIpmSolver())
    table = agnostic_max_min(gangs, room, HighsIpmSolver())
    ecos = agnostic_max_min(gangs, room, EcosSolver())
    assert np.abs(table - ecos).max() < 1e-6
