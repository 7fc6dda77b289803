"""benchmarks/slurm_fidelity.py --log-times on a saved 200-job run (w200-s12): the comparison
at the millisecond times of slurmctld's log, with the cycles' clocks read from it."""

import shutil
from pathlib import Path

from tests.benchmarks.conftest import load_script

fidelity = load_script("slurm_fidelity")
RUN = Path(__file__).parents[2] / "benchmarks" / "data" / "slurm-fidelity" / "w200-s12"
BOOT = 1796502147.0  # slurmctld started 2026-12-05T20:22:27 (run.json)


def test_log_times_take_the_millisecond_times_and_each_threads_clock_from_the_log() -> None:
    report = fidelity.evaluate_dir(RUN, completing_s=0.0, log_times=True)
    o = report["options"]
    assert report["jobs"] == 200
    assert o["batch_sched_delay_s"] == 3.0  # Slurm's default, mirrored
    # The decay thread passes a second or so after each minute from slurmctld's start (at :27):
    # the priorities of one account's submissions change across :28.
    assert BOOT % 60 == 27
    assert 28.0 < o["calc_origin_s"] % 60 < 29.5
    # Backfill cycles start a job about .2 s into a second, 5 s and some milliseconds apart.
    assert 5.0 < o["bf_interval_s"] < 5.02
    assert 0.1 < o["bf_origin_s"] % 1 < 0.3
    assert 1.0 <= o["sched_wake_period_s"] <= 1.01
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
    cut = fidelity.evaluate_dir(copy, completing_s=0.0, log_times=True)
    assert cut["options"]["batch_sched_delay_s"] == 0.0
    assert cut["policies"]["slurm"] == plain["policies"]["slurm"]
