"""benchmarks/slurm_fidelity.py end to end on the real test cluster with 5 short jobs (well under
a minute): accounts made and removed, timed submission, the sacct export through the adapter,
and the comparison with the simulator."""

import argparse
import json
import subprocess
from pathlib import Path

import pytest

from tests.benchmarks.conftest import load_script

pytestmark = pytest.mark.slurm
fidelity = load_script("slurm_fidelity")


def test_five_short_jobs_replay_on_slurm_and_on_the_simulator(tmp_path: Path) -> None:
    args = argparse.Namespace(
        jobs=5, seed=3, spread=3.0, min_run=5, max_run=6, sched_params="", out=tmp_path
    )
    fidelity.replay(args)
    ids = (tmp_path / "ids.json").read_text(encoding="utf-8")
    export = (tmp_path / "sacct.txt").read_text(encoding="utf-8")
    assert export.splitlines()[0] == "|".join(fidelity.EXPORT_FIELDS)
    report = fidelity.evaluate_dir(tmp_path)
    assert report["jobs"] == 5
    assert report["skipped_lines"] == []
    for figures in report["policies"].values():
        assert figures["jobs"] == 5
        assert -1.0 <= figures["kendall_tau_b"] <= 1.0
        assert figures["makespan_real_s"] >= 5.0  # every job sleeps 5 or 6 s
        assert figures["makespan_sim_s"] >= 5.0
    # slurmctld's log slice has every job to the millisecond: the same comparison at those times.
    timed = fidelity.evaluate_dir(tmp_path, log_times="modelled")
    assert timed["policies"]["slurm"]["jobs"] == 5
    assert timed["options"]["batch_sched_delay_s"] == 3.0
    accounts = subprocess.run(
        ["sacctmgr", "-n", "-P", "show", "account", "format=account"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    job_accounts = {line.split("|")[2] for line in export.splitlines()[1:]}
    assert len(job_accounts) >= 1
    assert not job_accounts & set(accounts)  # removed after the run
    assert len(json.loads(ids)) == 5
