"""benchmarks/slurm_fidelity.py --log-times on a saved 200-job run (w200-s12): the comparison
at the millisecond times of slurmctld's log, with the cycles' clocks read from it."""

import shutil
from itertools import pairwise
from pathlib import Path

from tests.benchmarks.conftest import load_script

fidelity = load_script("slurm_fidelity")
RUN = Path(__file__).parents[2] / "benchmarks" / "data" / "slurm-fidelity" / "w200-s12"
BOOT = 1796502147.0  # slurmctld started 2026-12-05T20:22:27 (run.json)


def test_log_times_take_the_millisecond_times_and_each_threads_clock_from_the_log() -> None:
    report = fidelity.evaluate_dir(RUN, 0.0, "modelled", whole_seconds=True)
    assert report["sim_whole_seconds"] is False  # the log's milliseconds on both sides
    o = report["options"]
    assert report["jobs"] == 200
    assert o["batch_sched_delay_s"] == 3.0  # Slurm's default, mirrored
    # The decay thread passes a second or so after each minute from slurmctld's start (at :27):
    # the priorities of one account's submissions change across :28.
    assert BOOT % 60 == 27
    assert 28.0 < o["calc_origin_s"] % 60 < 29.5
    # Backfill cycles that started a job, a whole number of 5 s apart and a few milliseconds
    # a cycle (their phase drifts); the background thread's passes at least a turn apart.
    cycles = o["bf_cycles_s"]
    assert len(cycles) > 40
    steps = [b - a for a, b in pairwise(cycles)]
    assert all(abs(s - 5 * round(s / 5)) < 0.1 * round(s / 5) for s in steps)
    wakes = o["sched_wakes_s"]
    assert len(wakes) > 20
    assert all(b - a > 0.9 for a, b in pairwise(wakes))
    slurm = report["policies"]["slurm"]
    assert slurm["jobs"] == 200
    assert slurm["mean_wait_real_s"] % 1 != 0  # milliseconds, not sacct's whole seconds


def test_without_log_times_or_without_a_whole_log_the_export_is_compared_per_event(
    tmp_path: Path,
) -> None:
    plain = fidelity.evaluate_dir(RUN, completing_s=0.0)
    assert plain["options"]["batch_sched_delay_s"] == 0.0  # whole seconds: every event
    assert plain["options"]["bf_origin_s"] is None
    copy = tmp_path / "run"
    shutil.copytree(RUN, copy)
    log = copy / "slurmctld.log"
    log.write_text("".join(log.read_text().splitlines(keepends=True)[:100]))  # cut short
    cut = fidelity.evaluate_dir(copy, completing_s=0.0, log_times="modelled")
    assert cut["options"]["batch_sched_delay_s"] == 0.0
    assert cut["policies"]["slurm"] == plain["policies"]["slurm"]


def test_a_slurm_run_agrees_with_itself_and_a_second_run_of_its_workload_less(
    tmp_path: Path,
) -> None:
    same = fidelity.slurm_against_slurm(RUN, RUN)
    assert same["kendall_tau_b"] == 1.0
    assert same["mean_abs_wait_diff_s"] == 0.0
    copy = tmp_path / "export-only"
    shutil.copytree(RUN, copy)
    (copy / "slurmctld.log").unlink()  # whole seconds from sacct against the log's milliseconds
    coarse = fidelity.slurm_against_slurm(RUN, copy)
    assert 0.95 < coarse["kendall_tau_b"] < 1.0
    assert 0.0 < coarse["mean_abs_wait_diff_s"] < 1.0
    # asked for whole seconds, the run with its log is read from its export as the copy is
    assert fidelity.slurm_against_slurm(RUN, copy, whole=True)["kendall_tau_b"] == 1.0


def test_the_latency_from_an_end_to_the_main_loop_is_read_from_a_debug_level_log() -> None:
    pilot = RUN.parent / "pilot-s20-r1"  # every pass logged (--debug-log)
    latency = fidelity.logged_latency(pilot)
    # The main loop starts a waiting job a few milliseconds after the end that freed its GPUs
    # (the epilog-complete message calls schedule() at once), well inside the end's second.
    assert latency["main_starts"] == 25
    assert 0.0 < latency["median_end_to_main_start"] < 0.05
    assert 0.0 < latency["median_end_to_next_pass"] < 0.1
    # An info-level log has no passes to measure against.
    assert fidelity.logged_latency(RUN) == {}
