"""benchmarks/sim_scaling.py's step mode on a small run: one line per step until every job ends."""

import pytest

from tests.benchmarks.conftest import load_script

scaling = load_script("sim_scaling")


def test_the_step_mode_prints_cpu_and_queue_per_step_until_every_job_has_ended(
    capsys: pytest.CaptureFixture[str],
) -> None:
    scaling.steps(200, "slurm", 1.2, 50_000.0)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("arrivals span ")
    assert len(lines) >= 2
    assert all(" CPU " in line and " queue " in line for line in lines[1:])
    assert "ended 200 " in lines[-1]


def test_the_digest_mode_gives_one_run_the_same_digest_each_time(
    capsys: pytest.CaptureFixture[str],
) -> None:
    tiny = ((300, "h800=4x8", 1.5, 1, None, "backfill"),) * 2
    scaling.digest(tiny)
    first, second = capsys.readouterr().out.splitlines()
    assert first.startswith("backfill, 300 jobs on h800=4x8 at load 1.5, seed 1")
    assert first.split("  CPU")[0] == second.split("  CPU")[0]


def test_the_recalc_mode_prints_the_cpu_of_one_recalculation_per_job(
    capsys: pytest.CaptureFixture[str],
) -> None:
    scaling.recalc(500)
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith("500 queued: ")
    assert " ns per job" in line


def test_the_step_mode_draws_other_jobs_with_another_seed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    scaling.steps(200, "backfill", 1.2, 50_000.0)
    scaling.steps(200, "backfill", 1.2, 50_000.0, seed=2)
    first, *_, second = (
        line for line in capsys.readouterr().out.splitlines() if line.startswith("arrivals")
    )
    assert first != second
