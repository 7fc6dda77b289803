"""benchmarks/slurm_fidelity.py without Slurm: the workload, the sbatch lines, and the comparison
of a saved 6-job export from the real test cluster (data/fidelity-6, seed 1) with the simulator."""

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest

from aisc.core.simulation.slurmconf import mirror
from tests.benchmarks.conftest import load_script

fidelity = load_script("slurm_fidelity")
# The comparison half, as the script imports it (benchmarks/fidelity_compare.py).
compare = sys.modules[fidelity.evaluate_dir.__module__]
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


def test_jobs_to_the_limit_have_a_minute_and_sleep_just_under_it_with_the_asked_gangs() -> None:
    p = (0.6, 0.2, 0.11, 0.07, 0.02)
    jobs = fidelity.workload(
        200, 21, 180.0, ["h800", "br104"], ["a", "b", "c", "d"], to_limit_s=2, gang_p=p
    )
    assert {(j.limit_min, j.run_s) for j in jobs} == {(1, 58)}
    assert {j.gpus for j in jobs} == {1, 2, 4, 8}  # no 16 on this seed: 2 % of 200 is 4 jobs
    ones = sum(j.gpus == 1 for j in jobs)
    assert 0.5 * 200 < ones < 0.7 * 200  # about 60 % of the jobs take one GPU
    # the same seed draws the same submissions, chips, gangs and accounts with or without it
    plain = fidelity.workload(200, 21, 180.0, ["h800", "br104"], ["a", "b", "c", "d"], gang_p=p)
    assert [(j.offset_s, j.chip, j.gpus, j.account) for j in plain] == [
        (j.offset_s, j.chip, j.gpus, j.account) for j in jobs
    ]


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
    times = compare.real_times(text + pending, {"43": "fid-005", "99": "other"})
    assert list(times) == ["fid-005"]  # job 99 never started
    wide = times["fid-005"]
    assert (wide.wait, wide.end - wide.start) == (34.0, 7.0)


def test_the_saved_run_is_compared_with_the_mirrored_policy_as_worked_out_by_hand() -> None:
    report = fidelity.evaluate_dir(SAVED, completing_s=0.0)
    assert report["jobs"] == 6
    assert report["mirrored_policy"] == "slurm"
    assert report["cluster"] == "h800=2x8,br104=2x8"
    assert report["run"] == {}  # this saved run has no run.json
    assert list(report["policies"]) == ["slurm", "backfill", "fifo", "multifactor"]
    # On six jobs Slurm's own scheduling and EASY make the same choices.
    assert report["policies"]["slurm"] == report["policies"]["backfill"]
    backfill = report["policies"]["slurm"]
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
    lines = fidelity.table(fidelity.evaluate_dir(SAVED, completing_s=0.0)).splitlines()
    assert lines[0].split() == ["slurm", "backfill", "fifo", "multifactor"]
    assert lines[1].startswith("Kendall tau-b of start order")
    assert "0.894" in lines[1]
    assert len(lines) == 10
    assert lines[-2].startswith("makespan Slurm / sim (s)")
    assert lines[-2].count("51 / 50") == 3  # all but strict multifactor, which took longer
    assert lines[-1].startswith("GPU-s free, jobs waiting")


def test_nodes_are_held_a_moment_past_the_recorded_end_when_asked() -> None:
    held = fidelity.evaluate_dir(SAVED, completing_s=1.0)
    assert held["completing_s"] == 1.0
    # The 16-GPU h800 job waited on the 38 s one: it starts a second later, as Slurm's did.
    assert held["policies"]["slurm"]["mean_wait_sim_s"] == pytest.approx(5.5 + 1 / 6)


def test_the_simulators_times_can_be_recorded_in_whole_seconds_as_sacct_records_slurms() -> None:
    exact = fidelity.evaluate_dir(SAVED, completing_s=0.5)
    whole = fidelity.evaluate_dir(SAVED, completing_s=0.5, whole_seconds=True)
    assert (exact["sim_whole_seconds"], whole["sim_whole_seconds"]) == (False, True)
    # The 16-GPU h800 job starts half a second into the second its blocker ended: recorded in
    # whole seconds it starts in that second, as Slurm's did (the export: 04:03:57 both).
    assert exact["policies"]["slurm"]["mean_wait_sim_s"] == pytest.approx(5.5 + 0.5 / 6)
    assert whole["policies"]["slurm"]["mean_wait_sim_s"] == pytest.approx(5.5)
    assert whole["policies"]["slurm"]["makespan_sim_s"] == 50.0
    # A whole second held is a whole second recorded.
    held = fidelity.evaluate_dir(SAVED, completing_s=1.0, whole_seconds=True)
    assert held["policies"]["slurm"]["mean_wait_sim_s"] == pytest.approx(5.5 + 1 / 6)


def test_a_starts_phase_can_be_kept_through_the_run_into_the_second_sacct_recorded() -> None:
    phased = compare.evaluate_dir(SAVED, completing_s=1.0, sub_second=(0.06, 0.02, 0.5))
    assert phased["sub_second"] == [0.06, 0.02, 0.5]
    # It replaces the whole second held and records the simulator's times in whole seconds.
    assert (phased["completing_s"], phased["sim_whole_seconds"]) == (0.0, True)
    assert phased["options"]["cycle_origin_s"] % 1 == pytest.approx(0.5)
    # The 38 s h800 job, started on a whole second, ends 0.06 s into its recorded second and
    # frees its GPU 0.02 s later: the 16-GPU job starts in that second, a second before Slurm's
    # (whose 38 s job started a second after its submission, the simulator's at it).
    slurm = phased["policies"]["slurm"]
    assert slurm["mean_wait_sim_s"] == pytest.approx(5.5)
    assert slurm["makespan_sim_s"] == 50.0
    assert compare.evaluate_dir(SAVED)["sub_second"] is None


def test_the_main_loop_can_answer_an_end_when_slurmd_would_report_it() -> None:
    answered = compare.evaluate_dir(SAVED, sub_second=(0.06, 0.02, 0.5), end_answer_s=0.17)
    assert answered["end_answer_s"] == 0.17
    assert answered["policies"]["slurm"]["jobs"] == 6
    assert compare.evaluate_dir(SAVED)["end_answer_s"] is None


def test_the_gap_from_an_end_to_the_start_it_allowed_is_measured_from_the_export() -> None:
    # Only the 16-GPU h800 job (submitted 04:03:23) waited with an end after its submission:
    # the 38 s job that began 04:03:19 ended 04:03:57, and it started that same second.
    assert fidelity.end_to_start_gaps(SAVED) == {"jobs": 1, "mean": 0.0}


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
    assert mirror(conf.read_text() + "NodeName=a Gres=gpu:1\n").options.bf_interval_s == 1.0
    fidelity.restore(original)
    assert conf.read_text() == original
    assert calls == [["scontrol", "reconfigure"]] * 2


class Recorder:
    """A Runner that records each command and answers from a script (a text or an error)."""

    def __init__(self, *answers: str | Exception) -> None:
        self.answers = list(answers)
        self.calls: list[list[str]] = []

    def run(self, argv: list[str]) -> str:
        self.calls.append(list(argv))
        answer = self.answers.pop(0) if self.answers else ""
        if isinstance(answer, Exception):
            raise answer
        return answer


def slurm_run(*answers: str | Exception) -> tuple[Any, Recorder]:  # a script, loaded by path
    run = fidelity.SlurmRun(["fidxa", "fidxb"])
    recorder = Recorder(*answers)
    run.slurm = fidelity.CliSlurm(runner=recorder)
    return run, recorder


def test_accounts_are_made_under_one_parent_with_one_user_each_and_removed_after() -> None:
    exists = fidelity.SlurmCommandFailed("Slurm refused `sacctmgr`:  Nothing new added.")
    run, recorder = slurm_run(exists)
    run.create_accounts()
    run.remove_accounts()
    assert recorder.calls == [
        ["sacctmgr", "-i", "add", "account", "fidelity", "parent=root"],
        ["sacctmgr", "-i", "add", "account", "fidxa", "parent=fidelity"],
        ["sacctmgr", "-i", "add", "user", "alice", "account=fidxa"],
        ["sacctmgr", "-i", "add", "account", "fidxb", "parent=fidelity"],
        ["sacctmgr", "-i", "add", "user", "bob", "account=fidxb"],
        ["sacctmgr", "-i", "delete", "account", "name=fidxa"],
        ["sacctmgr", "-i", "delete", "account", "name=fidxb"],
    ]


def test_a_refusal_other_than_the_tolerated_one_stops_the_run() -> None:
    refused = fidelity.SlurmCommandFailed("Slurm refused `sacctmgr`: Invalid parent")
    run, _ = slurm_run(refused)
    with pytest.raises(fidelity.SlurmCommandFailed, match="Invalid parent"):
        run.create_accounts()


def test_waiting_polls_squeue_until_the_jobs_are_gone(monkeypatch: pytest.MonkeyPatch) -> None:
    naps: list[float] = []
    monkeypatch.setattr(fidelity.time, "sleep", naps.append)
    run, recorder = slurm_run("7\n8\n", "8\n", "")
    run.wait_all({"7": "fid-000", "8": "fid-001"}, deadline_s=60)
    assert recorder.calls == [["squeue", "-h", "-o", "%i", "-j", "7,8"]] * 3
    assert naps == [2, 2]


def test_waiting_past_the_deadline_stops_with_a_message() -> None:
    run, _ = slurm_run("7\n")
    with pytest.raises(SystemExit, match="jobs still queued after -1 s"):
        run.wait_all({"7": "fid-000"}, deadline_s=-1)


HEADER = "|".join(fidelity.EXPORT_FIELDS)
DONE = (
    "7|aisc|fidxa|alice|h800|COMPLETED|2026-11-29T04:00:00|2026-11-29T04:00:01|00:00:05|"
    "gres/gpu:h800=1|00:01:00"
)


def test_the_export_asks_for_the_adapter_fields_with_timelimit_for_our_accounts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    naps: list[float] = []
    monkeypatch.setattr(fidelity.time, "sleep", naps.append)
    running = DONE.replace("COMPLETED", "RUNNING")
    run, recorder = slurm_run(f"{HEADER}\n{running}\n", f"{HEADER}\n{DONE}\n")
    since = fidelity.dt.datetime(2026, 11, 29, 4, 0, tzinfo=fidelity.dt.UTC)
    text = run.export(since, {"7": "fid-000"})
    assert text == f"{HEADER}\n{DONE}\n"
    assert naps == [2]  # asked again once slurmdbd had not yet recorded the end
    argv = recorder.calls[0]
    assert argv[0] == "sacct"
    assert f"--format={','.join(fidelity.FIELDS)},Timelimit,Eligible" in argv
    assert "--accounts=fidxa,fidxb" in argv
    assert "--starttime=2026-11-29T04:00:00" in argv
    assert sum(a.startswith("--format=") for a in argv) == 1


def test_the_export_is_returned_as_it_is_when_slurmdbd_lags_past_the_deadline() -> None:
    running = DONE.replace("COMPLETED", "RUNNING")
    run, recorder = slurm_run(f"{HEADER}\n{running}\n")
    since = fidelity.dt.datetime(2026, 11, 29, 4, 0, tzinfo=fidelity.dt.UTC)
    assert "RUNNING" in run.export(since, {"7": "fid-000"}, deadline_s=-1)
    assert len(recorder.calls) == 1


def test_a_refused_submission_stops_the_run_naming_the_job(monkeypatch: pytest.MonkeyPatch) -> None:
    class Refused:
        returncode, stdout, stderr = 1, "", "sbatch: error: Invalid account\n"

    monkeypatch.setattr(fidelity.subprocess, "run", lambda argv, **_: Refused())
    conf = mirror((SAVED / "slurm.conf").read_text(encoding="utf-8"))
    job = fidelity.PlannedJob("fid-000", 0.0, "h800", 1, 5, 1, "fidxa", "alice")
    run, _ = slurm_run()
    with pytest.raises(SystemExit, match=r"sbatch refused .*fid-000.*Invalid account"):
        run.submit([job], conf)


def sbatch_accepting(monkeypatch: pytest.MonkeyPatch, first_id: int) -> list[list[str]]:
    """sbatch answers job ids first_id, first_id + 1, ...; returns the argv it was given."""
    seen: list[list[str]] = []

    class Accepted:
        returncode, stderr = 0, ""

        def __init__(self, argv: list[str]) -> None:
            seen.append(argv)
            self.stdout = f"{first_id - 1 + len(seen)};aisc\n"

    monkeypatch.setattr(fidelity.subprocess, "run", lambda argv, **_: Accepted(argv))
    return seen


def test_submission_keeps_the_slurm_id_of_each_job(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = sbatch_accepting(monkeypatch, 101)
    conf = mirror((SAVED / "slurm.conf").read_text(encoding="utf-8"))
    jobs = [
        fidelity.PlannedJob("fid-000", 0.0, "h800", 1, 5, 1, "fidxa", "alice"),
        fidelity.PlannedJob("fid-001", 0.0, "br104", 16, 5, 1, "fidxb", "bob"),
    ]
    run, _ = slurm_run()
    assert run.submit(jobs, conf) == {"101": "fid-000", "102": "fid-001"}
    assert seen[1][seen[1].index("-p") + 1] == "br104"
    assert seen[1][seen[1].index("-N") + 1] == "2"


def test_the_log_slice_keeps_only_the_lines_stamped_within_the_run(tmp_path: Path) -> None:
    log = tmp_path / "slurmctld.log"
    log.write_text(
        "[2026-12-05T20:22:35.999] before\n"
        "[2026-12-05T20:22:36.181] _slurm_rpc_submit_batch_job: JobId=33 InitPrio=1\n"
        "[2026-12-05T20:22:39.999] sched: Allocate JobId=33\n"
        "[2026-12-05T20:22:40.000] after\n",
        encoding="utf-8",
    )
    conf = f"ClusterName=aisc\nSlurmctldLogFile={log}\n"
    since, until = (dt.datetime(2026, 12, 5, 20, 22, s, tzinfo=dt.UTC) for s in (36, 39))
    assert fidelity.log_slice(conf, since, until).splitlines() == [
        "[2026-12-05T20:22:36.181] _slurm_rpc_submit_batch_job: JobId=33 InitPrio=1",
        "[2026-12-05T20:22:39.999] sched: Allocate JobId=33",
    ]
    assert fidelity.log_slice("ClusterName=aisc\n", since, until) == ""  # no log configured


def shares_simulated(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, float]]:
    """The accounts' shares of every simulation the comparison runs from now on."""
    seen: list[dict[str, float]] = []
    real_simulate = compare.simulate

    def simulate(trace: Any, cluster: Any, policy: str, options: Any, **given: Any) -> Any:
        seen.append(dict(cluster.shares))
        return real_simulate(trace, cluster, policy, options, **given)

    monkeypatch.setattr(compare, "simulate", simulate)
    return seen


def test_every_account_of_the_export_gets_a_share_so_slurm_ranks_it_from_the_first_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen = shares_simulated(monkeypatch)
    fidelity.evaluate_dir(SAVED)
    accounts = {ln.split("|")[2] for ln in (SAVED / "sacct.txt").read_text().splitlines()[1:]}
    assert seen
    assert all(shares == dict.fromkeys(accounts, 1.0) for shares in seen)


def test_the_shortest_run_time_can_be_raised_for_minute_long_workloads() -> None:
    jobs = fidelity.workload(200, 20, 300.0, ["h800", "br104"], ["a", "b"], 60, min_run_s=20)
    assert all(20 <= j.run_s <= 60 for j in jobs)
    assert min(j.run_s for j in jobs) < 25  # the whole range is drawn from
    assert all(j.limit_min * 60 >= j.run_s + 5 for j in jobs)
