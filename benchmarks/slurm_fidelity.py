"""Fidelity against real Slurm (issue 6 §10, issue 19): the same short jobs on the Slurm test
cluster and on the simulator, with the cluster and policy read from the same slurm.conf.

Run it as root, holding the one test cluster's lock (the issue-19 workloads: seeds 10-12):

    flock /work/.slurm.lock bash -c 'bash scripts/slurm-test-cluster up && timeout 590 \
        .venv/bin/python benchmarks/slurm_fidelity.py --jobs 200 --seed 10 --max-run 20 \
        --spread 150 --out benchmarks/data/slurm-fidelity/w200-s10'

and again without Slurm with `--from-export --out DIR`. The run records when slurmctld started
(its cycles tick from then); the simulator holds each job's nodes `--completing-s` (1 s) past the
end sacct records, as Slurm frees them a moment later (`end_to_start_gaps_s` in the report
measures it from the export).

1. A seeded workload: Poisson-like submit offsets over --spread seconds, 1-16 GPUs (16 = both
   nodes of a partition, exclusive), chips from the cluster, `sleep` run times of a few seconds,
   time limits of whole minutes above them, accounts fid...a-d (users alice..dave), fresh names
   per run so no fair-share usage is carried over (PriorityDecayHalfLife=0 never forgets).
2. Slurm: jobs submitted with `sbatch` at their offsets (timed submission), each asking 2 CPUs per
   GPU so that Slurm's fair-share usage (CPU-seconds without TRESBillingWeights) is proportional
   to GPU-seconds as the simulator's; wait until all ended; export with `sacct --parsable2`
   through the adapter (its fields plus Timelimit) to OUT/sacct.txt.
3. Simulator: the export loaded with `--trace-format sacct` (real run times and limits), the
   cluster and policy from /etc/slurm/slurm.conf (`aisc.core.simulation.slurmconf`), plus FIFO and
   strict multifactor for reference.
4. Report (`aisc.core.simulation.fidelity`): Kendall's tau-b of the two start orders, concordant
   pairs, mean/median/p95 absolute wait difference, makespans; JSON to OUT/fidelity.json and a
   table on stdout.

--sched-params "bf_interval=1,bf_resolution=1,sched_interval=1" runs with those scheduler
parameters instead (written to /etc/slurm/slurm.conf, `scontrol reconfigure`, restored after).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import re
import subprocess
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from aisc.adapters.slurm.cli import CliSlurm
from aisc.adapters.slurm.errors import SlurmCommandFailed
from aisc.adapters.slurm.usage import FIELDS, sacct_args
from aisc.core.scheduling.model import ClusterSpec
from aisc.core.simulation.fidelity import Times, compare, free_while_waiting
from aisc.core.simulation.run import SimulationResult, simulate
from aisc.core.simulation.slurmconf import SlurmMirror, mirror
from aisc.core.simulation.slurmlog import (
    SlurmLog,
    backfill_cycles,
    decay_phase,
    parse,
    wake_ups,
)
from aisc.core.simulation.traces import parse_lines
from aisc.core.simulation.traces.base import Trace
from aisc.core.simulation.traces.sacct import duration, gpus_of

SLURM_CONF = Path("/etc/slurm/slurm.conf")
USERS = ("alice", "bob", "carol", "dave")
PARENT = "fidelity"
EXPORT_FIELDS = (*FIELDS, "Timelimit")
GANGS, GANG_P = (1, 2, 4, 8, 16), (0.35, 0.25, 0.2, 0.15, 0.05)
REFERENCE_POLICIES = ("backfill", "fifo", "multifactor")
MIRRORED_OPTIONS = (
    "weight_age", "weight_fairshare", "weight_jobsize", "weight_qos", "weight_partition",
    "partition_factor", "max_age_s", "decay_half_life_s", "calc_period_s", "bf_max_job_test",
    "sched_interval_s", "default_queue_depth", "bf_interval_s", "bf_resolution_s", "bf_window_s",
    "epoch_s", "cycle_origin_s", "bf_origin_s", "calc_origin_s", "batch_sched_delay_s",
    "fair_tree", "bf_cycles_s", "sched_wakes_s", "calc_passes_s", "main_passes_s",
    "full_passes_s",
)  # fmt: skip


@dataclass(frozen=True)
class PlannedJob:
    name: str
    offset_s: float
    chip: str
    gpus: int
    run_s: int
    limit_min: int
    account: str
    user: str


def workload(
    n: int,
    seed: int,
    spread_s: float,
    chips: list[str],
    accounts: list[str],
    max_run_s: int = 45,
    min_run_s: int = 5,
) -> list[PlannedJob]:
    rng = np.random.default_rng(seed)
    offsets = np.sort(rng.uniform(0.0, spread_s, n))
    jobs = []
    for i, offset in enumerate(offsets):
        run_s = int(rng.integers(min(min_run_s, max_run_s), max_run_s + 1))
        who = int(rng.integers(len(accounts)))
        jobs.append(
            PlannedJob(
                name=f"fid-{i:03d}",
                offset_s=round(float(offset), 1),
                chip=chips[int(rng.integers(len(chips)))],
                gpus=int(rng.choice(GANGS, p=GANG_P)),
                run_s=run_s,
                limit_min=math.ceil((run_s + 5) / 60) + int(rng.integers(2)),
                account=accounts[who],
                user=USERS[who % len(USERS)],
            )
        )
    return jobs


def sbatch_argv(job: PlannedJob, partition: str, gpus_per_node: int) -> list[str]:
    shape = (
        ["-N", str(job.gpus // gpus_per_node), "--exclusive", "--ntasks-per-node=1",
         f"--gres=gpu:{job.chip}:{gpus_per_node}", f"--cpus-per-task={2 * gpus_per_node}"]
        if job.gpus > gpus_per_node
        else ["-N", "1", "-n", "1", f"--gres=gpu:{job.chip}:{job.gpus}",
              f"--cpus-per-task={2 * job.gpus}"]
    )  # fmt: skip
    return [
        "runuser", "-u", job.user, "--", "sbatch", "--parsable", "-D", "/", "-o", "/dev/null",
        "-J", job.name, "-A", job.account, "-p", partition, "-t", str(job.limit_min), *shape,
        "--wrap", f"sleep {job.run_s}",
    ]  # fmt: skip


class SlurmRun:
    """Accounts, timed submission, waiting and the sacct export, on the real cluster."""

    def __init__(self, accounts: list[str]) -> None:
        self.slurm = CliSlurm()
        self.accounts = accounts

    def sacctmgr(self, *args: str, tolerate: str = "") -> None:
        try:
            self.slurm.runner.run(["sacctmgr", "-i", *args])
        except SlurmCommandFailed as exc:
            if not tolerate or tolerate not in exc.message:
                raise

    def create_accounts(self) -> None:
        self.sacctmgr("add", "account", PARENT, "parent=root", tolerate="Nothing new added")
        for i, account in enumerate(self.accounts):
            self.sacctmgr("add", "account", account, f"parent={PARENT}")
            self.sacctmgr("add", "user", USERS[i % len(USERS)], f"account={account}")

    def remove_accounts(self) -> None:
        for account in self.accounts:
            self.sacctmgr("delete", "account", f"name={account}", tolerate="Nothing deleted")

    def submit(self, jobs: list[PlannedJob], mirror_: SlurmMirror) -> dict[str, str]:
        """Submit each job at its offset; Slurm job id -> job name."""
        group = {g.chip: g for g in mirror_.cluster.groups}
        ids, began = {}, time.monotonic()
        for job in jobs:
            time.sleep(max(0.0, began + job.offset_s - time.monotonic()))
            chip = group[job.chip]
            done = subprocess.run(
                sbatch_argv(job, chip.partition, chip.gpus_per_node),
                capture_output=True, text=True, timeout=30, check=False,
            )  # fmt: skip
            if done.returncode != 0:
                raise SystemExit(f"sbatch refused {job}: {done.stderr.strip()}")
            ids[done.stdout.strip().split(";")[0]] = job.name
        return ids

    def wait_all(self, ids: dict[str, str], deadline_s: float) -> None:
        deadline = time.monotonic() + deadline_s
        while self.slurm.runner.run(["squeue", "-h", "-o", "%i", "-j", ",".join(ids)]).strip():
            if time.monotonic() > deadline:
                raise SystemExit(f"jobs still queued after {deadline_s:.0f} s")
            time.sleep(2)

    def export(self, since: dt.datetime, ids: dict[str, str], deadline_s: float = 60) -> str:
        """sacct through the adapter, repeated until slurmdbd has the end of every job."""
        args = [a for a in sacct_args(since, since + dt.timedelta(days=1), ZoneInfo("UTC"))
                if not a.startswith("--format=")]  # fmt: skip
        args += [f"--format={','.join(EXPORT_FIELDS)}", f"--accounts={','.join(self.accounts)}"]
        deadline = time.monotonic() + deadline_s
        while True:
            text = self.slurm.sacct(args)
            if _all_final(text, ids) or time.monotonic() > deadline:
                return text
            time.sleep(2)


def _all_final(text: str, ids: dict[str, str]) -> bool:
    final = {
        cells[0]
        for cells in (line.split("|") for line in text.splitlines()[1:])
        if cells[0] in ids and not cells[5].startswith(("PENDING", "RUNNING"))
    }
    return final == set(ids)


def real_times(text: str, ids: dict[str, str]) -> dict[str, Times]:
    """Per job name: submit, start, end (seconds since the epoch, from the export's UTC times)."""
    lines = text.splitlines()
    header = lines[0].split("|")
    times = {}
    for line in lines[1:]:
        row = dict(zip(header, line.split("|"), strict=True))
        if row["JobID"] not in ids or not row["Start"][:1].isdigit():
            continue  # not ours, or never started (the trace skips it too)
        submit, start = (
            dt.datetime.fromisoformat(row[k]).replace(tzinfo=dt.UTC).timestamp()
            for k in ("Submit", "Start")
        )
        end = start + duration(row["Elapsed"], "Elapsed")
        chip, gpus = gpus_of(row["AllocTRES"])
        times[ids[row["JobID"]]] = Times(submit, start, end, gpus, chip or "")
    return times


def logged_times(text: str, ids: dict[str, str], log: SlurmLog) -> dict[str, Times]:
    """real_times with the log's millisecond submit, start and end."""
    by_name = {name: job_id for job_id, name in ids.items()}
    times = {}
    for name, coarse in real_times(text, ids).items():
        submit, start, end = log.times(by_name[name])
        times[name] = replace(coarse, submit=submit, start=start, end=end)
    return times


def simulated_times(result: SimulationResult, text: str, ids: dict[str, str]) -> dict[str, Times]:
    """Per job name, from the simulator's record; job i is the trace's row i, from line[i]."""
    lines = text.splitlines()
    record, trace, times = result.record, result.trace, {}
    for i, line_no in enumerate(trace.line.tolist()):
        name = ids[lines[line_no - 1].split("|")[0]]
        chip = trace.chips[trace.chip[i]] if trace.chip[i] >= 0 else ""
        times[name] = Times(
            record.submit[i], record.first_start[i], record.end[i], int(record.gpus[i]), chip
        )
    return times


def with_sched_params(params: str) -> str:
    """Write slurm.conf with these SchedulerParameters, reconfigure; the original text back."""
    original = SLURM_CONF.read_text(encoding="utf-8")
    lines = [ln for ln in original.splitlines() if not ln.startswith("SchedulerParameters=")]
    at = next(i for i, ln in enumerate(lines) if ln.startswith("SchedulerType="))
    lines.insert(at + 1, f"SchedulerParameters={params}")
    SLURM_CONF.write_text("\n".join([*lines, ""]), encoding="utf-8")
    subprocess.run(["scontrol", "reconfigure"], check=True, timeout=60)
    return original


def restore(original: str) -> None:
    SLURM_CONF.write_text(original, encoding="utf-8")
    subprocess.run(["scontrol", "reconfigure"], check=True, timeout=60)


def log_slice(conf_text: str, since: dt.datetime, until: dt.datetime) -> str:
    """slurmctld's log lines stamped in [since, until] (UTC, as the test cluster logs): which
    loop started each job (`sched: Allocate` is the main loop, `sched/backfill` the backfill
    cycle), and each job's priority at submission (`InitPrio`), to the millisecond."""
    path = next(
        (ln.split("=", 1)[1].strip() for ln in conf_text.splitlines()
         if ln.startswith("SlurmctldLogFile=")),
        "",
    )  # fmt: skip
    if not path or not Path(path).exists():
        return ""
    low, high = since.strftime("[%Y-%m-%dT%H:%M:%S"), until.strftime("[%Y-%m-%dT%H:%M:%S.999]")
    lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    return "".join(f"{ln}\n" for ln in lines if low <= ln[:24] <= high and KEPT.search(ln))


# The log lines a comparison reads (aisc.core.simulation.slurmlog), with Fair Tree's level fair
# shares and each job's priority per decay pass (DebugFlags=Priority) to check the simulator's
# against; at debug level slurmctld logs twenty times more, none of it needed here.
KEPT = re.compile(
    r"_slurm_rpc_submit_batch_job|sched: Allocate|_start_job: Started|_job_complete: JobId=\d+ done"
    r"|Running job scheduler|_attempt_backfill: beginning|Fair Tree fairshare|_ft_debug"
    r"|_get_priority_internal: Job \d+ priority"
)


def debug_logging(on: bool) -> None:
    """slurmctld's log level for one run: at debug it logs each main-loop pass ("sched: Running
    job scheduler") and backfill cycle ("_attempt_backfill: beginning"); the Priority flag logs
    each decay-thread pass ("Fair Tree fairshare algorithm"). Set at run time, so the test
    cluster's slurm.conf (SlurmctldDebug=info) is what it comes back to."""
    for argv in (
        ["scontrol", "setdebug", "debug" if on else "info"],
        ["scontrol", "setdebugflags", "+Priority" if on else "-Priority"],
    ):
        subprocess.run(argv, check=True, timeout=30, capture_output=True)


def slurmctld_boot() -> str:
    """When slurmctld started (`scontrol show config`, local time = UTC here): its priority,
    main-loop and backfill cycles tick from then."""
    text = subprocess.run(
        ["scontrol", "show", "config"], capture_output=True, text=True, timeout=30, check=True
    ).stdout
    return next(ln.split("=", 1)[1].strip() for ln in text.splitlines() if "BOOT_TIME" in ln)


def replay(args: argparse.Namespace) -> Path:
    """Run the workload on Slurm; OUT holds slurm.conf, sacct.txt and ids.json afterwards."""
    began = time.perf_counter()
    conf_text = SLURM_CONF.read_text(encoding="utf-8")
    conf = mirror(conf_text)
    stamp = dt.datetime.now(dt.UTC).strftime("%H%M%S")
    accounts = [f"fid{stamp}{c}" for c in "abcd"]
    chips = list(conf.cluster.chips)
    jobs = workload(args.jobs, args.seed, args.spread, chips, accounts, args.max_run, args.min_run)
    run = SlurmRun(accounts)
    run.create_accounts()
    try:
        since = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        ids = run.submit(jobs, conf)
        work = sum(j.gpus * j.run_s for j in jobs) / conf.cluster.gpus
        run.wait_all(ids, deadline_s=args.spread + 4 * work + 300)
        text = run.export(since, ids)
    finally:
        run.remove_accounts()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    (args.out / "slurm.conf").write_text(conf_text, encoding="utf-8")
    (args.out / "sacct.txt").write_text(text, encoding="utf-8")
    (args.out / "ids.json").write_text(json.dumps(ids, indent=1), encoding="utf-8")
    log = log_slice(conf_text, since, dt.datetime.now(dt.UTC))
    (args.out / "slurmctld.log").write_text(log, encoding="utf-8")
    run_facts = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} ({os.cpu_count()} cores)",
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "seed": args.seed,
        "spread_s": args.spread,
        "max_run_s": args.max_run,
        "min_run_s": args.min_run,
        "sched_params": args.sched_params or "as configured",
        "debug_log": bool(getattr(args, "debug_log", False)),
        "wall_s": round(time.perf_counter() - began, 1),
        "slurmctld_boot": slurmctld_boot(),
    }
    (args.out / "run.json").write_text(json.dumps(run_facts, indent=1), encoding="utf-8")
    return out


def evaluate_dir(folder: Path, completing_s: float = 1.0, log_times: str = "") -> dict[str, Any]:
    """Compare the export in `folder` with the simulator under the mirrored configuration;
    with `log_times`, at the millisecond times of the saved slurmctld log (where it has every
    job), the main loop batched as slurm.conf says: "modelled" fits the threads' clocks to what
    an info-level log shows; "logged" also runs the main loop, backfill and decay passes at
    every pass a debug-level log records."""
    text = (folder / "sacct.txt").read_text(encoding="utf-8")
    ids = json.loads((folder / "ids.json").read_text(encoding="utf-8"))
    conf = mirror((folder / "slurm.conf").read_text(encoding="utf-8"))
    facts_file = folder / "run.json"
    facts = json.loads(facts_file.read_text(encoding="utf-8")) if facts_file.exists() else {}
    boot = facts.get("slurmctld_boot")
    if boot:
        origin = dt.datetime.fromisoformat(boot).replace(tzinfo=dt.UTC).timestamp()
        conf = replace(conf, options=replace(conf.options, cycle_origin_s=origin))
    log_file = folder / "slurmctld.log"
    log = parse(log_file.read_text(encoding="utf-8")) if log_times and log_file.exists() else None
    if log is not None and not log.complete(ids):
        log = None
    if log is None:
        # Whole seconds cannot say whether a submission came before or after the background
        # thread's wake-up in the same second: the main loop runs at every event instead.
        conf = replace(conf, options=replace(conf.options, batch_sched_delay_s=0.0))
    report = evaluate(
        text, str(folder / "sacct.txt"), ids, conf, completing_s, log, log_times == "logged"
    )
    report["run"] = facts
    return report


def with_log(trace: Trace, text: str, ids: dict[str, str], log: SlurmLog) -> Trace:
    """The trace with the log's millisecond submit times and run times (start to the end the
    log records), rows in submission order; simulation time 0 is the first submission's whole
    second."""
    lines = text.splitlines()
    job_ids = [lines[n - 1].split("|")[0] for n in trace.line.tolist()]
    epoch = math.floor(min(log.submits[i][0] for i in job_ids))
    submit = np.array([log.submits[i][0] - epoch for i in job_ids])
    work = np.array([log.ends[i] - log.starts[i][0] for i in job_ids])
    order = np.argsort(submit, kind="stable")
    columns = {
        name: getattr(trace, name)[order]
        for name in ("gpus", "time_limit", "project", "user", "qos", "chip", "speed", "line")
    }
    return replace(trace, submit=submit[order], work=work[order], **columns)


def log_clocks(
    conf: SlurmMirror, log: SlurmLog, text: str, every_pass: bool = False
) -> SlurmMirror:
    """When the backfill cycles and the background thread's wake-ups came, and the decay
    thread's phase, as the log shows them (each thread keeps a clock of its own; see
    aisc.core.simulation.slurmlog)."""
    rows = [line.split("|") for line in text.splitlines()[1:]]
    o = replace(conf.options, bf_cycles_s=backfill_cycles(log), sched_wakes_s=wake_ups(log))
    phase = decay_phase(log, {cells[0]: cells[2] for cells in rows}, o.calc_period_s)
    if phase is not None:
        o = replace(o, calc_origin_s=(phase[0] + phase[1]) / 2)
    if every_pass and log.passes:  # a run logged at debug level: every pass of every thread
        o = replace(
            o,
            main_passes_s=tuple(t for t, _ in log.passes),
            full_passes_s=tuple(t for t, full in log.passes if full),
            bf_cycles_s=tuple(log.cycles),
            calc_passes_s=tuple(log.decays),
        )
    return replace(conf, options=o)


def evaluate(
    text: str,
    source: str,
    ids: dict[str, str],
    conf: SlurmMirror,
    completing_s: float = 1.0,
    log: SlurmLog | None = None,
    every_pass: bool = False,
) -> dict[str, Any]:
    trace = parse_lines(text.splitlines(), "sacct", source)
    if log is not None:
        trace = with_log(trace, text, ids, log)
        conf = log_clocks(conf, log, text, every_pass)
    # The accounts exist before the first submission (sacctmgr, Fairshare=1 by default), so
    # Slurm's decay thread ranks every one of them from its first pass on.
    accounts = {line.split("|")[2] for line in text.splitlines()[1:]}
    conf = replace(
        conf, cluster=ClusterSpec(conf.cluster.groups, dict.fromkeys(sorted(accounts), 1.0))
    )
    # Slurm frees a job's nodes a moment after the end sacct records (COMPLETING): the job holds
    # its GPUs that much longer in the simulator too.
    trace.work = trace.work + completing_s
    real = real_times(text, ids) if log is None else logged_times(text, ids, log)
    # Simulation time 0 is the first submission's whole second; Slurm rounds its backfill map
    # and times its cycles on the wall clock, so the simulator is told where time 0 falls on it.
    epoch = math.floor(min(t.submit for t in real.values()))
    conf = replace(conf, options=replace(conf.options, epoch_s=float(epoch)))
    report: dict[str, Any] = {
        "jobs": len(trace),
        "skipped_lines": [str(s) for s in trace.skipped],
        "cluster": conf.cluster.describe(),
        "mirrored_policy": conf.policy,
        "options": {k: v for k, v in vars(conf.options).items() if k in MIRRORED_OPTIONS},
        "cannot_mirror": conf.notes,
        "completing_s": completing_s,
        "policies": {},
    }
    capacity: dict[str, int] = {}
    for group in conf.cluster.groups:
        capacity[group.chip] = capacity.get(group.chip, 0) + group.gpus
    for policy in dict.fromkeys((conf.policy, *REFERENCE_POLICIES)):
        result = simulate(trace, conf.cluster, policy, conf.options)
        simulated = simulated_times(result, text, ids)
        report["policies"][policy] = {
            **compare(real, simulated).as_dict(),
            "free_while_waiting_real_gpu_s": free_while_waiting(real.values(), capacity),
            "free_while_waiting_sim_gpu_s": free_while_waiting(simulated.values(), capacity),
        }
    return report


def slurm_against_slurm(first: Path, second: Path) -> dict[str, float]:
    """Two Slurm runs of one workload (same seed and shape) compared as the simulator is: how
    far Slurm reproduces itself. Times from each run's log where it has every job, else from
    its export; each run's time 0 is its first submission."""

    def times(folder: Path) -> dict[str, Times]:
        text = (folder / "sacct.txt").read_text(encoding="utf-8")
        ids = json.loads((folder / "ids.json").read_text(encoding="utf-8"))
        log_file = folder / "slurmctld.log"
        log = parse(log_file.read_text(encoding="utf-8")) if log_file.exists() else None
        if log is not None and log.complete(ids):
            real = logged_times(text, ids, log)
        else:
            real = real_times(text, ids)
        zero = min(t.submit for t in real.values())
        return {
            name: replace(t, submit=t.submit - zero, start=t.start - zero, end=t.end - zero)
            for name, t in real.items()
        }

    return compare(times(first), times(second)).as_dict()


def end_to_start_gaps(folder: Path) -> dict[str, float]:
    """How long after a job's recorded end Slurm started a job that had waited for it: per job
    that waited, the gap from the last end on its chip (after its submission) to its start."""
    text = (folder / "sacct.txt").read_text(encoding="utf-8")
    real = real_times(text, json.loads((folder / "ids.json").read_text(encoding="utf-8")))
    gaps = []
    for job in real.values():
        ends = [t.end for t in real.values() if t.chip == job.chip and job.submit <= t.end]
        before = [end for end in ends if end <= job.start]
        if job.start > job.submit and before:
            gaps.append(job.start - max(before))
    return {"jobs": len(gaps), "mean": round(float(np.mean(gaps)), 2) if gaps else math.nan}


ROWS = (
    ("Kendall tau-b of start order", "kendall_tau_b", "{:.3f}"),
    ("concordant pairs", "concordant_fraction", "{:.1%}"),
    ("mean |wait diff| (s)", "mean_abs_wait_diff_s", "{:.1f}"),
    ("median |wait diff| (s)", "median_abs_wait_diff_s", "{:.1f}"),
    ("p95 |wait diff| (s)", "p95_abs_wait_diff_s", "{:.1f}"),
    ("mean wait sim - Slurm (s)", "mean_wait_diff_s", "{:+.1f}"),
    ("mean wait Slurm / sim (s)", "mean_wait_{}_s", "pair"),
    ("makespan Slurm / sim (s)", "makespan_{}_s", "pair"),
    ("GPU-s free, jobs waiting", "free_while_waiting_{}_gpu_s", "pair"),
)


def table(report: dict[str, Any]) -> str:
    policies: dict[str, dict[str, float]] = report["policies"]
    out = [f"{'':30}" + "".join(f"{p:>16}" for p in policies)]
    for label, key, fmt in ROWS:
        cells = [
            f"{f[key.format('real')]:.0f} / {f[key.format('sim')]:.0f}"
            if fmt == "pair"
            else fmt.format(f[key])
            for f in policies.values()
        ]
        out.append(f"{label:30}" + "".join(f"{c:>16}" for c in cells))
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--spread", type=float, default=180.0, help="submission window (s)")
    parser.add_argument("--max-run", type=int, default=45, help="longest run time (s)")
    parser.add_argument("--min-run", type=int, default=5, help="shortest run time (s)")
    parser.add_argument("--out", type=Path, default=Path("var/fidelity"))
    parser.add_argument("--sched-params", default="", help="SchedulerParameters for this run")
    parser.add_argument(
        "--from-export", action="store_true", help="only re-evaluate what OUT already holds"
    )
    parser.add_argument(
        "--completing-s",
        type=float,
        default=1.0,
        help="seconds Slurm holds a job's nodes after its recorded end (see gaps below)",
    )
    parser.add_argument(
        "--log-times",
        choices=("modelled", "logged"),
        nargs="?",
        const="modelled",
        default="",
        help="compare at the saved slurmctld.log's millisecond times, with the threads' clocks "
        "fitted to it (modelled) or at every pass a debug-level log records (logged)",
    )
    parser.add_argument(
        "--debug-log",
        action="store_true",
        help="log every main-loop pass, backfill cycle and decay pass during the run "
        "(scontrol setdebug debug, setdebugflags +Priority; back to info after)",
    )
    parser.add_argument(
        "--against",
        type=Path,
        default=None,
        help="compare the Slurm run in OUT with another Slurm run of the same workload in "
        "this folder (how far Slurm reproduces itself); no simulation",
    )
    args = parser.parse_args()
    cpu = time.process_time()
    if args.against is not None:
        figures = slurm_against_slurm(args.out, args.against)
        print(
            json.dumps({"first": str(args.out), "second": str(args.against), **figures}, indent=2)
        )
        return
    if not args.from_export:
        original = with_sched_params(args.sched_params) if args.sched_params else None
        if args.debug_log:
            debug_logging(True)
        try:
            replay(args)
        finally:
            if args.debug_log:
                debug_logging(False)
            if original is not None:
                restore(original)
    report = evaluate_dir(args.out, args.completing_s, args.log_times)
    report["log_times"] = args.log_times
    report["end_to_start_gaps_s"] = end_to_start_gaps(args.out)
    report["evaluated"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    report["cpu_s"] = round(time.process_time() - cpu, 2)
    (args.out / "fidelity.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(json.dumps(report, indent=2))
    print(table(report))


if __name__ == "__main__":
    main()
