"""`aisc capacity sweep --slurm` on the real test cluster: the cells run as one job array (each
task this CLI in its own process, numbered by Slurm), and the gathered lines are the local
sweep's; submitted without waiting, the same array is gathered afterwards."""

import json
from pathlib import Path

import pytest

from aisc.adapters.slurm.arrays import JobArrays
from tests.cli.test_capacity import scenario
from tests.fixtures.cli import capacity

pytestmark = pytest.mark.slurm
AXES = ["--overbooking", "1,1.5", "--seeds", "2"]
SLURM = ["--slurm", "--partition", "br104", "--time-limit", "5", "--wait-timeout", "240"]


def test_a_sweep_runs_as_one_job_array_and_gathers_the_local_sweeps_lines(tmp_path: Path) -> None:
    path = str(scenario(tmp_path))
    code, out, err = capacity("sweep", path, *AXES, "--jobs", "1", "--json")
    assert code == 0, err
    local = json.loads(out)
    where = tmp_path / "on-slurm"
    code, out, err = capacity("sweep", path, *AXES, *SLURM, "--dir", str(where), "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert f"submitted job array {doc['job_id']}: 4 cells in {where}" in err
    assert doc["cells"] == 4
    assert doc["variants"] == local["variants"]
    assert sorted(p.name for p in (where / "logs").iterdir()) == [f"{i}.out" for i in range(4)]
    assert sorted(p.name for p in (where / "cells").iterdir()) == [f"{i}.npz" for i in range(4)]
    # Submitted without waiting: the command returns at once; the array is gathered later.
    later = tmp_path / "later"
    code, out, err = capacity("sweep", path, *AXES, *SLURM, "--dir", str(later), "--no-wait")
    assert code == 0, err
    submitted = json.loads(out)
    assert submitted == {"job_id": submitted["job_id"], "dir": str(later), "cells": 4}
    arrays = JobArrays()
    arrays.wait(submitted["job_id"], timeout_s=240)
    assert arrays.live_tasks(submitted["job_id"]) == 0
    code, out, err = capacity("sweep-gather", str(later), "--json")
    assert code == 0, err
    assert json.loads(out)["variants"] == local["variants"]
    assert capacity("sweep", path, *AXES, *SLURM, "--dir", str(later))[0] == 2  # not reused
