"""A sweep's cells as a Slurm job array, the parts that need no cluster: the directory written,
each cell run as an array task runs it, the gathered lines equal to the local sweep's, and what
is refused. The array on the real test cluster: tests/integration/test_capacity_sweep_slurm.py."""

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from aisc.adapters.slurm.arrays import ArraySpec
from aisc.adapters.slurm.errors import SlurmCommandFailed
from aisc.cli import capacity_array as array
from aisc.core.capacity.plan import run_seed
from aisc.core.errors import RuleViolation
from tests.fixtures.cli import capacity

from .test_capacity import scenario

AXES = ["--overbooking", "1,1.5", "--scale", "0.5,1", "--seeds", "2"]


def write(tmp_path: Path) -> Path:
    where = tmp_path / "sweep"
    where.mkdir()
    spec = array.Sweep([], [], [1.0, 1.5], [0.5, 1.0], None, 2, 0)
    array.write_sweep(where, [scenario(tmp_path)], spec)
    return where


def test_cells_run_one_by_one_gather_into_the_local_sweeps_lines(tmp_path: Path) -> None:
    where = write(tmp_path)
    assert json.loads((where / "sweep.json").read_text())["files"] == ["scenarios/0/small.toml"]
    chosen, cells = array.cells(where)
    assert [s.name for s in chosen] == [
        "small x1 scale0.5", "small x1 scale1", "small x1.5 scale0.5", "small x1.5 scale1"
    ]  # fmt: skip
    assert len(cells) == 8
    for index in range(8):  # as the array's tasks would, in any order
        code, out, err = capacity("sweep-cell", str(where), "--task", str(7 - index))
        assert code == 0, err
        assert out.strip().endswith(f"cells/{7 - index}.npz")
    saved = array.load_run(where / "cells" / "5.npz")
    direct = run_seed(*cells[5])
    assert saved.seed == direct.seed == 1
    assert saved.jobs == direct.jobs
    assert np.array_equal(saved.delivered_h, direct.delivered_h)
    assert np.array_equal(saved.wait_p95_h, direct.wait_p95_h, equal_nan=True)
    code, out, err = capacity("sweep-gather", str(where), "--json")
    assert code == 0, err
    gathered = json.loads(out)
    code, out, _ = capacity("sweep", str(tmp_path / "small.toml"), *AXES, "--jobs", "1", "--json")
    local = json.loads(out)
    assert gathered["cells"] == local["cells"] == 8
    assert gathered["variants"] == local["variants"]
    code, out, _ = capacity("sweep-gather", str(where))
    assert "8 cells, Slurm job array - in" in out


def test_a_sweep_with_cells_missing_or_outside_it_is_refused_by_name(tmp_path: Path) -> None:
    where = write(tmp_path)
    capacity("sweep-cell", str(where), "--task", "0")
    code, _, err = capacity("sweep-gather", str(where))
    assert code == 2
    assert "cells 1, 2, 3, 4, 5, 6, 7 of 8 have no result" in err
    assert "logs/1.out" in err
    code, _, err = capacity("sweep-cell", str(where), "--task", "8")
    assert code == 2
    assert "task: 8 is not a cell of this sweep (0 to 7)" in err
    code, _, err = capacity("sweep-cell", str(where))  # neither --task nor an array task
    assert code == 2
    assert "give --task" in err
    code, _, err = capacity("sweep-gather", str(tmp_path / "nowhere"))
    assert code == 2
    assert "no sweep.json" in err
    with pytest.raises(RuleViolation, match="holds a sweep already"):
        array.write_sweep(where, [scenario(tmp_path)], array.read_sweep(where))


def test_the_array_is_one_sbatch_of_every_cell_running_this_cli(tmp_path: Path) -> None:
    spec = ArraySpec(
        array.task_command(tmp_path), 12, tmp_path, "sweep", "h800", "lab", 30, parallel=4
    )
    argv = spec.sbatch_argv()
    assert argv[:4] == ["sbatch", "--parsable", "--array=0-11%4", "-J"]
    assert argv[argv.index("-p") + 1] == "h800"
    assert argv[argv.index("-A") + 1] == "lab"
    assert argv[argv.index("-t") + 1] == "30"
    assert argv[argv.index("-o") + 1] == str(tmp_path / "logs" / "%a.out")
    assert argv[-1].endswith(f"-m aisc.cli.main capacity sweep-cell {tmp_path}")
    plain = ArraySpec(["true"], 1, tmp_path).sbatch_argv()
    assert "--array=0-0" in plain
    assert "-p" not in plain
    assert "-A" not in plain
    with pytest.raises(SlurmCommandFailed, match="at least one task"):
        ArraySpec(["true"], 0, tmp_path).sbatch_argv()


class Answers:
    """Slurm's answers, one a call, in order (an exception is raised); the argv asked."""

    def __init__(self, *answers: str | Exception) -> None:
        self.answers = list(answers)
        self.asked: list[list[str]] = []

    def run(self, argv: Sequence[str]) -> str:
        self.asked.append(list(argv))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def test_waiting_on_an_array_polls_squeue_until_no_task_is_left_or_gives_up() -> None:
    from aisc.adapters.slurm.arrays import JobArrays

    slept: list[float] = []
    now = [0.0]

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    answers = Answers("12_0\n12_1\n", "12_1\n", SlurmCommandFailed("Invalid job id specified"))
    JobArrays(answers, sleep=sleep, clock=lambda: now[0]).wait("12", timeout_s=60, poll_s=5)
    assert slept == [5, 5]
    assert answers.asked[0][:5] == ["squeue", "-h", "-r", "-j", "12"]
    stuck = JobArrays(Answers(*["12_3\n"] * 5), sleep=sleep, clock=lambda: now[0])
    with pytest.raises(SlurmCommandFailed, match="still has tasks queued or running after 9 s"):
        stuck.wait("12", timeout_s=9, poll_s=5)
    with pytest.raises(SlurmCommandFailed, match="Access denied"):
        JobArrays(Answers(SlurmCommandFailed("Access denied"))).live_tasks("12")
    cancelled = Answers("")
    JobArrays(cancelled).cancel("12")
    assert cancelled.asked == [["scancel", "12"]]
