"""benchmarks/slurm_fidelity.py's workloads that Slurm repeats, without Slurm: run times in whole
multiples of a quantum, every job submitted held and released in one request, and waits counted
from the release (the export's Eligible time) in the comparison and in Slurm against itself."""

import json
from pathlib import Path
from typing import Any

import pytest

from aisc.core.simulation.slurmconf import mirror
from tests.benchmarks.test_slurm_fidelity import (
    SAVED,
    compare,
    fidelity,
    sbatch_accepting,
    shares_simulated,
    slurm_run,
)

CHIPS, ACCOUNTS = ["h800", "br104"], ["a", "b", "c", "d"]


def test_run_times_are_whole_multiples_of_the_quantum_within_the_asked_bounds() -> None:
    jobs = fidelity.workload(200, 5, 0.0, CHIPS, ACCOUNTS, 40, min_run_s=20, quantum_s=10)
    assert {j.run_s for j in jobs} == {20, 30, 40}
    assert all(j.limit_min * 60 >= j.run_s + 5 for j in jobs)
    # the same draws as without a quantum: only the run times are rounded
    plain = fidelity.workload(200, 5, 0.0, CHIPS, ACCOUNTS, 40, min_run_s=20)
    assert [(j.gpus, j.chip, j.account) for j in jobs] == [
        (j.gpus, j.chip, j.account) for j in plain
    ]
    assert {j.run_s for j in fidelity.workload(50, 1, 0.0, CHIPS, ACCOUNTS, 4, 1, 10)} == {10}


def test_a_job_of_a_run_at_once_is_submitted_with_its_begin_time_before_its_command() -> None:
    job = fidelity.PlannedJob("fid-001", 0.0, "br104", 4, 30, 1, "fidb", "bob")
    argv = fidelity.sbatch_argv(job, "br104", 8, begin="2026-12-06T05:40:30")
    assert argv[-3:] == ["--begin=2026-12-06T05:40:30", "--wrap", "sleep 30"]
    assert not any(a.startswith("--begin") for a in fidelity.sbatch_argv(job, "br104", 8))


def test_jobs_with_a_begin_time_are_submitted_without_waiting_for_their_offsets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    naps: list[float] = []
    seen = sbatch_accepting(monkeypatch, 201)
    monkeypatch.setattr(fidelity.time, "sleep", naps.append)
    conf = mirror((SAVED / "slurm.conf").read_text(encoding="utf-8"))
    jobs = [
        fidelity.PlannedJob("fid-000", 0.0, "h800", 1, 30, 1, "fidxa", "alice"),
        fidelity.PlannedJob("fid-001", 90.0, "br104", 2, 30, 1, "fidxb", "bob"),
    ]
    run, _ = slurm_run()
    ids = run.submit(jobs, conf, begin="2026-12-06T05:40:30")
    assert ids == {"201": "fid-000", "202": "fid-001"}
    assert naps == []  # no timed submission
    assert all("--begin=2026-12-06T05:40:30" in argv for argv in seen)


def test_the_begin_time_leaves_room_for_submission_and_keeps_one_phase_to_decay_passes() -> None:
    boot = 1000.0
    # 100 jobs from 1000 + 75.5: at least 30 + 10 s later (115.5 -> 116), then the next time
    # 33 s past a pass (passes at 1000 + 60 k): 1000 + 153, the next pass 27 s later
    assert fidelity.begin_time(100, boot, 60.0, now=boot + 75.5) == boot + 153
    # exactly there already
    assert fidelity.begin_time(10, boot, 60.0, now=boot + 80.0) == boot + 93
    assert fidelity.begin_time(1, boot, 60.0) > fidelity.time.time()


FIELDS = "JobID|Cluster|Account|User|Partition|State|Submit|Start|Elapsed|AllocTRES|Timelimit"


def released_run(folder: Path, starts: tuple[str, str], released: bool = True) -> Path:
    """Two one-GPU jobs submitted held at 04:00:00 and :01, released at 04:00:10."""
    folder.mkdir()
    rows = [
        f"{7 + i}|aisc|fidx{c}|alice|h800|COMPLETED|2026-11-29T04:00:0{i}|2026-11-29T{start}|"
        f"00:00:30|gres/gpu:h800=1|00:01:00|2026-11-29T04:00:10"
        for i, (c, start) in enumerate(zip("ab", starts, strict=True))
    ]
    text = "\n".join([f"{FIELDS}|Eligible", *rows, ""])
    (folder / "sacct.txt").write_text(text, encoding="utf-8")
    (folder / "ids.json").write_text(json.dumps({"7": "fid-000", "8": "fid-001"}))
    (folder / "slurm.conf").write_text((SAVED / "slurm.conf").read_text(encoding="utf-8"))
    facts = {"released": "2026-11-29T04:00:10+00:00" if released else ""}
    (folder / "run.json").write_text(json.dumps(facts), encoding="utf-8")
    # an info-level log whose submissions are the sbatch calls, not the release
    (folder / "slurmctld.log").write_text("", encoding="utf-8")
    return folder


def test_waits_count_from_the_release_where_eligible_is_later_than_submit(tmp_path: Path) -> None:
    folder = released_run(tmp_path / "run", ("04:00:10", "04:00:14"))
    text = compare.read_export(folder)
    assert [line.split("|")[6] for line in text.splitlines()[1:]] == ["2026-11-29T04:00:10"] * 2
    times = compare.real_times(text, {"7": "fid-000", "8": "fid-001"})
    assert [t.wait for t in times.values()] == [0.0, 4.0]
    # an export without Eligible, and a job never made eligible, keep their Submit
    assert compare.read_export(SAVED) == (SAVED / "sacct.txt").read_text(encoding="utf-8")
    saved = (folder / "sacct.txt").read_text(encoding="utf-8")
    unknown = saved.replace("|2026-11-29T04:00:10\n", "|Unknown\n", 1)
    (folder / "sacct.txt").write_text(unknown, encoding="utf-8")
    assert compare.read_export(folder).splitlines()[1].split("|")[6] == "2026-11-29T04:00:00"


def test_a_released_run_is_compared_from_its_export_even_when_log_times_are_asked(
    tmp_path: Path,
) -> None:
    folder = released_run(tmp_path / "run", ("04:00:10", "04:00:10"))
    report: dict[str, Any] = fidelity.evaluate_dir(folder, 0.0, "logged")
    slurm = report["policies"]["slurm"]
    assert slurm["jobs"] == 2
    assert slurm["mean_wait_real_s"] == 0.0
    # released at 04:00:10 on an idle cluster, the simulator starts both at once too
    assert slurm["mean_wait_sim_s"] == pytest.approx(0.0, abs=1.0)


def test_slurm_against_itself_counts_from_each_release(tmp_path: Path) -> None:
    first = released_run(tmp_path / "one", ("04:00:10", "04:00:14"))
    second = released_run(tmp_path / "two", ("04:00:11", "04:00:15"))
    figures = compare.slurm_against_slurm(first, second)
    assert figures["kendall_tau_b"] == pytest.approx(1.0)
    # each run's time 0 is its release: waits 0 and 4 s in the first, 1 and 5 s in the second
    assert figures["mean_abs_wait_diff_s"] == pytest.approx(1.0)


def test_the_backfill_log_adds_backfill_and_its_map_to_the_debug_flags_and_takes_them_off_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[list[str]] = []
    monkeypatch.setattr(fidelity.subprocess, "run", lambda argv, **_: calls.append(argv))
    fidelity.debug_logging(True, backfill=True)
    fidelity.debug_logging(False, backfill=True)
    assert calls == [
        ["scontrol", "setdebug", "debug"],
        ["scontrol", "setdebugflags", "+Priority"],
        ["scontrol", "setdebugflags", "+Backfill"],
        ["scontrol", "setdebugflags", "+BackfillMap"],
        ["scontrol", "setdebug", "info"],
        ["scontrol", "setdebugflags", "-Priority"],
        ["scontrol", "setdebugflags", "-Backfill"],
        ["scontrol", "setdebugflags", "-BackfillMap"],
    ]
    assert fidelity.KEPT.search(
        "[2026-12-06T05:30:00.001] sched/backfill: _dump_node_space_table: B"
    )
    assert not fidelity.KEPT.search(
        "[2026-12-06T05:30:00.001] _attempt_backfill: BACKFILL: test for"
    )


def test_accounts_get_the_shares_asked_and_the_comparison_gives_the_simulator_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run, recorder = slurm_run()
    run.shares = (100, 1)
    run.create_accounts()
    assert recorder.calls[1] == [
        "sacctmgr", "-i", "add", "account", "fidxa", "parent=fidelity", "fairshare=100",
    ]  # fmt: skip
    assert recorder.calls[3][-1] == "fairshare=1"
    seen = shares_simulated(monkeypatch)
    folder = released_run(tmp_path / "run", ("04:00:10", "04:00:10"))
    facts = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    (folder / "run.json").write_text(json.dumps({**facts, "shares": {"fidxa": 100}}))
    fidelity.evaluate_dir(folder)
    assert seen
    assert all(shares == {"fidxa": 100.0, "fidxb": 1.0} for shares in seen)  # b: the default


# The two jobs of `released_run` in an info-level log: sbatch at :00 and :01, one started by
# backfill 0.25 s after the begin time, one by the main loop 4.5 s after.
LOG = "".join(
    f"[2026-11-29T04:00:{line}\n"
    for line in (
        "00.300] _slurm_rpc_submit_batch_job: JobId=7 InitPrio=0 usec=1",
        "01.100] _slurm_rpc_submit_batch_job: JobId=8 InitPrio=0 usec=1",
        "10.250] sched/backfill: _start_job: Started JobId=7 in h800 on h800-01",
        "14.500] sched: Allocate JobId=8 NodeList=h800-01 #CPUs=2",
        "40.300] _job_complete: JobId=7 done",
        "44.600] _job_complete: JobId=8 done",
    )
)


def test_a_run_at_once_reads_its_log_with_every_submission_at_the_begin_time(
    tmp_path: Path,
) -> None:
    folder = released_run(tmp_path / "run", ("04:00:10", "04:00:14"))
    (folder / "slurmctld.log").write_text(LOG, encoding="utf-8")
    log = compare.read_log(folder, {"7": "fid-000", "8": "fid-001"})
    assert log is not None
    begin = fidelity.dt.datetime(2026, 11, 29, 4, 0, 10, tzinfo=fidelity.dt.UTC).timestamp()
    assert log.submits == {"7": (begin, 0), "8": (begin, 0)}
    assert log.starts["7"] == (begin + 0.25, "backfill")
    # waits from the begin time at the log's milliseconds, in Slurm against itself too
    figures = compare.slurm_against_slurm(folder, folder)
    assert figures["mean_wait_real_s"] == pytest.approx((0.25 + 4.5) / 2)
    assert compare.read_log(folder, {"9": "fid-009"}) is None  # not every job in the log


def test_at_the_begin_time_one_held_job_wakes_the_backfill_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    naps: list[float] = []
    monkeypatch.setattr(fidelity.time, "sleep", naps.append)
    monkeypatch.setattr(fidelity.time, "time", lambda: 1000.0)
    run, recorder = slurm_run("4242;aisc\n")
    assert run.wake_at(1010.0) == "4242"
    assert naps == [pytest.approx(10.2)]  # just past the begin time
    argv = recorder.calls[0]
    assert argv[:2] == ["sbatch", "--parsable"]
    assert "--hold" in argv  # never started: nothing of the workload's changes
    assert argv[-2:] == ["--wrap", "true"]
    run.wake_at(990.0)
    assert naps[-1] == 0.0  # already past: at once


def test_a_gzipped_log_is_read_as_the_plain_one(tmp_path: Path) -> None:
    folder = released_run(tmp_path / "run", ("04:00:10", "04:00:14"))
    (folder / "slurmctld.log").unlink()
    (folder / "slurmctld.log.gz").write_bytes(fidelity.gzip.compress(LOG.encode()))
    log = compare.read_log(folder, {"7": "fid-000", "8": "fid-001"})
    assert log is not None
    assert log.starts["8"][1] == "main"
    (folder / "slurmctld.log.gz").unlink()
    assert compare.read_log(folder, {"7": "fid-000"}) is None  # no log at all
