import json
import math
import random
from pathlib import Path

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.model import parse_cluster
from aisc.core.simulation.run import simulate
from aisc.core.simulation.synthetic import GAVEL_JOB_TABLE, gavel_continuous
from aisc.core.simulation.traces import gavel, load_file
from aisc.core.simulation.traces.gavel import read_throughputs

MATRIX = {
    "v100": {
        "('ResNet-18 (batch size 32)', 1)": {"null": 30.0},
        "('LM (batch size 5)', 2)": {"null": 100.0},
    },
    "k80": {"('ResNet-18 (batch size 32)', 1)": {"null": 3.0}},
    "k80_unconsolidated": {"('ResNet-18 (batch size 32)', 1)": {"null": 1.0}},
}
SEVEN = "ResNet-18 (batch size 32)\tpython3 main.py\t--num_steps\t1\t3000\t10.0\t1"
TEN = "LM (batch size 5)\tpython main.py\tlm\t--steps\t1\t2000\t2\t1\t-1.000000\t0"


def test_a_gavel_trace_runs_for_its_steps_at_the_matrix_throughput(tmp_path: Path) -> None:
    path = tmp_path / "vc.trace"
    path.write_text(f"{SEVEN}\n{TEN}\n\nbad\tline\n", encoding="utf-8")
    trace = load_file(path, "gavel", throughputs=read_throughputs(json.dumps(MATRIX)))
    assert trace.submit.tolist() == [0.0, 10.0]
    assert trace.gpus.tolist() == [2, 1]
    resnet = trace.as_lists().job(1)
    assert resnet.speeds == {"v100": 30.0, "k80": 3.0}  # unconsolidated entries are not used
    assert resnet.work / resnet.speed_on("v100") == 100.0
    assert trace.projects[trace.project[1]] == "ResNet-18"
    assert [s.line for s in trace.skipped] == [4]


def write_vcs(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vc1.trace").write_text(SEVEN.replace("\t10.0\t", "\t30.0\t") + "\n", "utf-8")
    (folder / "vc2.trace").write_text(f"{TEN}\nbad\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not a trace", encoding="utf-8")


def test_a_directory_of_vc_files_loads_as_one_trace_merged_by_arrival(tmp_path: Path) -> None:
    write_vcs(tmp_path / "seed=0")
    matrix = read_throughputs(json.dumps(MATRIX))
    trace = load_file(tmp_path / "seed=0", "gavel", throughputs=matrix)
    assert trace.submit.tolist() == [0.0, 30.0]  # vc2's job first; notes.txt is not read
    assert trace.gpus.tolist() == [2, 1]
    assert [s.reason for s in trace.skipped] == [
        "vc2.trace: expected 7 or 10 tab-separated fields, got 1"
    ]


def test_a_glob_of_vc_files_loads_the_files_it_matches(tmp_path: Path) -> None:
    write_vcs(tmp_path)
    matrix = read_throughputs(json.dumps(MATRIX))
    trace = load_file(tmp_path / "vc1*.trace", "gavel", throughputs=matrix)
    assert trace.submit.tolist() == [30.0]
    with pytest.raises(RuleViolation, match="no trace files match"):
        load_file(tmp_path / "zz*.trace", "gavel", throughputs=matrix)
    (tmp_path / "empty").mkdir()
    with pytest.raises(RuleViolation, match="no trace files match"):
        load_file(tmp_path / "empty", "gavel", throughputs=matrix)


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("ResNet-18 (batch size 32)\tc\t--n\t1\tmany\t10.0\t1", "not a number"),
        ("Unknown\tc\t--n\t1\t30\t10.0\t1", "not in the throughput matrix"),
        ("ResNet-18 (batch size 32)\tc\t--n\t1\t30\t-5\t1", "submit time"),
    ],
)
def test_a_bad_gavel_line_is_skipped_with_the_rule(line: str, fragment: str) -> None:
    matrix = read_throughputs(json.dumps(MATRIX))
    trace = gavel.load([SEVEN, line], "t", throughputs=matrix)
    assert fragment in trace.skipped[0].reason


def test_a_missing_or_broken_throughput_matrix_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "x.trace"
    path.write_text(SEVEN, encoding="utf-8")
    # Nothing is searched for beside or above the trace: the matrix is named or it is an error.
    (tmp_path / "simulation_throughputs.json").write_text(json.dumps(MATRIX), encoding="utf-8")
    with pytest.raises(RuleViolation, match=r"needs its throughput matrix: --throughputs FILE"):
        load_file(path, "gavel")
    with pytest.raises(RuleViolation, match="not JSON"):
        read_throughputs("{")
    with pytest.raises(RuleViolation, match="bad entry"):
        read_throughputs(json.dumps({"v100": {"ResNet": {"null": 1.0}}}))


def test_gavels_continuous_workload_is_seeded_and_uses_measured_gang_sizes() -> None:
    matrix = read_throughputs(json.dumps(MATRIX))
    first = gavel_continuous(300, jobs_per_hour=2.6, matrix=matrix, seed=3)
    again = gavel_continuous(300, jobs_per_hour=2.6, matrix=matrix, seed=3)
    assert first.work.tolist() == again.work.tolist()
    # Gangs of 4 and 8 were never measured in this matrix: those jobs fall back to 1 GPU.
    assert set(first.gpus.tolist()) == {1, 2}
    mean_gap_h = float((first.submit[-1] - first.submit[0]) / 299 / 3600)
    assert mean_gap_h == pytest.approx(1 / 2.6, rel=0.2)


# Speeds (steps/s per GPU, V100 / P100 / K80) shaped like Gavel's matrix: a 10x gap for
# ResNet-18, 4x for Transformer, almost none for Recommendation; A3C only runs on one GPU.
SMALL_MATRIX_SPEEDS = {
    "ResNet-18": (10.0, 5.0, 1.0),
    "Transformer": (4.0, 2.5, 1.0),
    "Recommendation": (1.2, 1.1, 1.0),
    "A3C": (2.0, 1.8, 1.0),
}


def small_matrix() -> dict[str, dict[tuple[str, int], float]]:
    matrix: dict[str, dict[tuple[str, int], float]] = {"v100": {}, "p100": {}, "k80": {}}
    for job_type, speeds in SMALL_MATRIX_SPEEDS.items():
        for scale in (1,) if job_type == "A3C" else (1, 2, 4, 8):
            for worker, speed in zip(matrix, speeds, strict=True):
                matrix[worker][(job_type, scale)] = speed * scale * 0.9
    return matrix


@pytest.mark.parametrize("seed", [0, 1])
def test_on_a_loaded_heterogeneous_cluster_hetero_beats_las_which_beats_fifo(seed: int) -> None:
    # Gavel's continuous multi-GPU workload scaled down to 8 GPUs of each type, loaded well
    # past what FIFO can serve: least attained service cuts the queueing of short jobs, and
    # the heterogeneity-aware policy also puts each job on the chip where it gains most.
    trace = gavel_continuous(300, jobs_per_hour=0.5, matrix=small_matrix(), seed=seed)
    cluster = parse_cluster("v100=8x1,p100=8x1,k80=8x1")
    jct = {p: simulate(trace, cluster, p).summary["avg_jct_s"] for p in ("fifo", "las", "hetero")}
    assert jct["hetero"] < 0.9 * jct["las"]
    assert jct["las"] < 0.9 * jct["fifo"]


def test_gavels_workload_draws_the_same_first_jobs_whatever_the_horizon() -> None:
    matrix = read_throughputs(json.dumps(MATRIX))
    short = gavel_continuous(1500, jobs_per_hour=2.6, matrix=matrix, seed=1)
    long = gavel_continuous(2600, jobs_per_hour=2.6, matrix=matrix, seed=1)
    assert long.submit[:1500].tolist() == short.submit.tolist()
    assert long.work[:1500].tolist() == short.work.tolist()
    assert long.gpus[:1500].tolist() == short.gpus.tolist()


def gavels_notebook_draws(seed: int, n: int) -> list[tuple[float, str, int]]:
    """The replay of Gavel's job stream in its own notebook (continuous_jobs_multigpu.ipynb,
    `get_job_durations`): run time, template and gang of each job, from random.Random(seed + 2)."""
    rng = random.Random(seed + 2)
    distributed = set(GAVEL_JOB_TABLE[:19])
    draws = []
    for _ in range(n):
        r = rng.uniform(0, 1)
        scale = 1
        if 0.7 <= r <= 0.8:
            scale = 2
        elif 0.8 <= r <= 0.95:
            scale = 4
        elif r >= 0.95:
            scale = 8
        if rng.random() >= 0.8:
            duration = 60 * (10 ** rng.uniform(3, 4))
        else:
            duration = 60 * (10 ** rng.uniform(1.5, 3))
        while True:
            template = rng.choice(GAVEL_JOB_TABLE)
            if scale == 1 or template in distributed:
                break
        draws.append((duration, template, scale))
    return draws


def test_gavels_workload_draws_the_jobs_of_gavels_own_seeds() -> None:
    matrix = {w: {} for w in ("v100", "p100", "k80")}  # type: dict[str, dict[tuple[str, int], float]]
    for i, name in enumerate(GAVEL_JOB_TABLE):
        for scale in (1, 2, 4, 8) if i < 19 else (1,):
            for w, speed in zip(matrix, (3.0, 2.0, 1.0), strict=True):
                matrix[w][(name, scale)] = speed * scale
    trace = gavel_continuous(200, jobs_per_hour=2.6, matrix=matrix, seed=4)
    jobs = trace.as_lists()
    for i, (duration, template, scale) in enumerate(gavels_notebook_draws(4, 200)):
        job = jobs.job(i)
        assert job.gpus == scale
        assert job.work == pytest.approx(duration * 3.0 * scale)
        assert trace.projects[trace.project[i]] == template.split(" (")[0]
    gaps = random.Random(7)  # Gavel's interarrival generator: seed + 3
    assert trace.submit[0] == 0.0
    assert trace.submit[1] == pytest.approx(-math.log(1 - gaps.random()) * 3600 / 2.6)
