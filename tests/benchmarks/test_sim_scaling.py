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
