"""benchmarks/slurm_fidelity.py without Slurm: the workload, the sbatch lines, and the comparison
of a saved 6-job export from the real test cluster (data/fidelity-6, seed 1) with the simulator."""

from pathlib import Path

import pytest

from aisc.core.simulation.slurmconf import mirror
from tests.benchmarks.conftest import load_script

fidelity = load_script("slurm_fidelity")
SAVED = Path(__file__).parent / "data" / "fidelity-6"


def test_the_workload_is_seeded_sorted_and_within_the_asked_bounds() -> None:
    jobs = fidelity.workload(100, 0, 180.0, ["h800", "br104"], ["a", "b", "c", "d"])
    assert jobs == fidelity.workload(100, 0, 180.0, ["h800", "br104"], ["a", "b", "c", "d"])
    assert jobs != fidelity.workload(100, 1, 180.0, ["h800", "br104"], ["a", "b", "c", "d"])
    offsets = [j.offset_s for j in jobs]
    assert offsets == sorted(offsets)
    assert offsets[0] >= 0
    assert offsets[-1] <= 180
    assert {j.gpus for j in jobs} == {1, 2, 4, 8, 16}
    assert {j.chip for j in jobs} == {"h800", "br104"}
    assert all(5 <= j.run_s <= 45 for j in jobs)
    assert all(j.limit_min * 60 >= j.run_s + 5 for j in jobs)  # limits are never hit
    assert {(j.account, j.user) for j in jobs} == {
        ("a", "alice"),
        ("b", "bob"),
        ("c", "carol"),
        ("d", "dave"),
    }
    assert max(j.run_s for j in fidelity.workload(20, 0, 10.0, ["h800"], ["a"], 8)) <= 8


def test_a_job_on_one_node_asks_two_cpus_per_gpu_and_a_wider_one_whole_nodes() -> None:
    job = fidelity.PlannedJob("fid-001", 1.0, "br104", 4, 12, 1, "fidb", "bob")
    argv = fidelity.sbatch_argv(job, "br104", 8)
    assert argv[:5] == ["runuser", "-u", "bob", "--", "sbatch"]
    assert argv[argv.index("-A") + 1] == "fidb"
    assert argv[argv.index("-p") + 1] == "br104"
    assert argv[argv.index("-t") + 1] == "1"
    assert "--gres=gpu:br104:4" in argv
    assert "--cpus-per-task=8" in argv
    assert argv[-2:] == ["--wrap", "sleep 12"]
    wide = fidelity.sbatch_argv(
        fidelity.PlannedJob("fid-002", 1.0, "h800", 16, 7, 1, "fida", "alice"), "h800", 8
    )
    assert wide[wide.index("-N") + 1] == "2"
    assert {"--exclusive", "--gres=gpu:h800:8", "--cpus-per-task=16"} <= set(wide)


def test_the_real_times_come_from_the_export_for_our_jobs_only() -> None:
    text = (SAVED / "sacct.txt").read_text(encoding="utf-8")
    pending = "99|aisc|x|x|h800|PENDING|2026-11-29T04:03:15|Unknown|00:00:00||00:01:00\n"
    times = fidelity.real_times(text + pending, {"43": "fid-005", "99": "other"})
    assert list(times) == ["fid-005"]  # job 99 never started
    wide = times["fid-005"]
    assert (wide.wait, wide.end - wide.start) == (34.0, 7.0)


def test_the_saved_run_is_compared_with_the_mirrored_policy_as_worked_out_by_hand() -> None:
    report = fidelity.evaluate_dir(SAVED)
    assert report["jobs"] == 6
    assert report["mirrored_policy"] == "backfill"
    assert report["cluster"] == "h800=2x8,br104=2x8"
    assert report["run"] == {}  # this saved run has no run.json
    assert list(report["policies"]) == ["backfill", "fifo", "multifactor"]
    backfill = report["policies"]["backfill"]
    # Slurm (s after the first submit): submits 0,2,3,4,8,8; starts 1,4,4,4,9,42. The simulator
    # starts each on arrival except the 16-GPU job, which waits for the 1-GPU h800 job (3 + 38 =
    # 41): waits differ by -1,-2,-1,0,-1,-1 (Slurm's start latency).
    assert backfill["mean_wait_diff_s"] == pytest.approx(-1.0)
    assert backfill["mean_abs_wait_diff_s"] == pytest.approx(1.0)
    assert backfill["median_abs_wait_diff_s"] == pytest.approx(1.0)
    assert backfill["p95_abs_wait_diff_s"] == pytest.approx(1.75)
    # 15 pairs, 3 tied in Slurm's one-second starts, 12 concordant: 12 / sqrt(15 * 12)
    assert backfill["kendall_tau_b"] == pytest.approx(12 / 180**0.5)
    assert backfill["concordant_fraction"] == 1.0
    assert (backfill["makespan_real_s"], backfill["makespan_sim_s"]) == (51.0, 50.0)
    # GPU-s free while a job of that chip waited. Simulator: the 16-GPU job waits 8..41 with 3
    # h800 GPUs busy until 16, then 1. Slurm: the same from 8 to 42 (2 busy from 1 to 17), plus
    # each job's start latency: 0..1 (16 free), 3..4 (14), br104 2..4 (16) and 8..9 (12).
    assert backfill["free_while_waiting_sim_gpu_s"] == 8 * 13 + 25 * 15
    assert backfill["free_while_waiting_real_gpu_s"] == 16 + 14 + 9 * 13 + 25 * 15 + 2 * 16 + 12
    # strict multifactor lets the blocked h800 job hold back the br104 one: waits much longer
    assert report["policies"]["multifactor"]["mean_wait_sim_s"] > backfill["mean_wait_sim_s"]


def test_the_table_lists_every_policy_and_figure() -> None:
    lines = fidelity.table(fidelity.evaluate_dir(SAVED)).splitlines()
    assert lines[0].split() == ["backfill", "fifo", "multifactor"]
    assert lines[1].startswith("Kendall tau-b of start order")
    assert "0.894" in lines[1]
    assert len(lines) == 10
    assert lines[-2].startswith("makespan Slurm / sim (s)")
    assert lines[-2].count("51 / 50") == 2  # backfill and fifo; strict multifactor took longer
    assert lines[-1].startswith("GPU-s free, jobs waiting")


def test_the_sched_params_line_goes_after_the_scheduler_type(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conf = tmp_path / "slurm.conf"
    conf.write_text("A=1\nSchedulerType=sched/backfill\nSchedulerParameters=bf_interval=5\nB=2\n")
    calls: list[list[str]] = []
    monkeypatch.setattr(fidelity, "SLURM_CONF", conf)
    monkeypatch.setattr(fidelity.subprocess, "run", lambda argv, **_: calls.append(argv))
    original = fidelity.with_sched_params("bf_interval=1,bf_resolution=1")
    assert conf.read_text().splitlines() == [
        "A=1",
        "SchedulerType=sched/backfill",
        "SchedulerParameters=bf_interval=1,bf_resolution=1",
        "B=2",
    ]
    assert (
        mirror(conf.read_text() + "NodeName=a Gres=gpu:1\n")
        .notes[0]
        .startswith("backfill runs every 1 s")
    )
    fidelity.restore(original)
    assert conf.read_text() == original
    assert calls == [["scontrol", "reconfigure"]] * 2
