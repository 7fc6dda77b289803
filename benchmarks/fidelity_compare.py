"""The comparison half of benchmarks/slurm_fidelity.py: a Slurm run's export (and, where saved,
its slurmctld log) against the simulator under the configuration mirrored from the same
slurm.conf, and two Slurm runs of one workload against each other. Reads only what a run left
in its folder, so it reruns on any machine without Slurm (`slurm_fidelity.py --from-export`)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import math
from bisect import bisect_left, bisect_right
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from aisc.core.scheduling.model import ClusterSpec
from aisc.core.simulation.fidelity import (
    Times,
    compare,
    free_while_waiting,
    recorded_second_end,
)
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

REFERENCE_POLICIES = ("backfill", "fifo", "multifactor")
MIRRORED_OPTIONS = (
    "weight_age", "weight_fairshare", "weight_jobsize", "weight_qos", "weight_partition",
    "partition_factor", "max_age_s", "decay_half_life_s", "calc_period_s", "bf_max_job_test",
    "sched_interval_s", "default_queue_depth", "bf_interval_s", "bf_resolution_s", "bf_window_s",
    "epoch_s", "cycle_origin_s", "bf_origin_s", "calc_origin_s", "batch_sched_delay_s",
    "fair_tree", "bf_cycles_s", "sched_wakes_s", "calc_passes_s", "main_passes_s",
    "full_passes_s",
)  # fmt: skip


def read_export(folder: Path) -> str:
    """The run's sacct export, each job's Submit moved to its Eligible time where that is later
    (a held job released with the rest, `--at-once`: its wait counts from the release, in Slurm's
    priority age as in the comparison)."""
    lines = (folder / "sacct.txt").read_text(encoding="utf-8").splitlines()
    header = lines[0].split("|")
    if "Eligible" not in header:
        return "".join(f"{line}\n" for line in lines)
    at, submit = header.index("Eligible"), header.index("Submit")
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split("|")
        if cells[at][:1].isdigit() and cells[at] > cells[submit]:
            cells[submit] = cells[at]
        out.append("|".join(cells))
    return "".join(f"{line}\n" for line in out)


def read_log(folder: Path, ids: dict[str, str]) -> SlurmLog | None:
    """The saved slurmctld log where it has every job; in a run whose jobs all became eligible
    at one begin time (`--at-once`), each job's submission is that time, not its sbatch call."""
    log_file, packed = folder / "slurmctld.log", folder / "slurmctld.log.gz"
    if log_file.exists():
        log = parse(log_file.read_text(encoding="utf-8"))
    elif packed.exists():  # a run with --backfill-log: megabytes of map dumps, kept gzipped
        log = parse(gzip.decompress(packed.read_bytes()).decode("utf-8"))
    else:
        return None
    if not log.complete(ids):
        return None
    facts = folder / "run.json"
    released = (
        json.loads(facts.read_text(encoding="utf-8")).get("released") if facts.exists() else ""
    )
    if released:
        at = dt.datetime.fromisoformat(released).replace(tzinfo=dt.UTC).timestamp()
        log.submits = {job: (max(at, t), prio) for job, (t, prio) in log.submits.items()}
    return log


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


def simulated_times(
    result: SimulationResult, text: str, ids: dict[str, str], whole: bool = False
) -> dict[str, Times]:
    """Per job name, from the simulator's record; job i is the trace's row i, from line[i].
    With `whole`, start and end in the whole seconds sacct would record (simulation time 0
    is a whole second of the wall clock)."""
    lines = text.splitlines()
    record, trace, times = result.record, result.trace, {}
    for i, line_no in enumerate(trace.line.tolist()):
        name = ids[lines[line_no - 1].split("|")[0]]
        chip = trace.chips[trace.chip[i]] if trace.chip[i] >= 0 else ""
        start, end = float(record.first_start[i]), float(record.end[i])
        if whole:  # a time a float's rounding puts a hair under its second stays in it
            start, end = math.floor(start + 1e-6), math.floor(end + 1e-6)
        times[name] = Times(record.submit[i], start, end, int(record.gpus[i]), chip)
    return times


def evaluate_dir(
    folder: Path,
    completing_s: float = 1.0,
    log_times: str = "",
    whole_seconds: bool = False,
    sub_second: tuple[float, float, float] | None = None,
    end_answer_s: float | None = None,
) -> dict[str, Any]:
    """Compare the export in `folder` with the simulator under the mirrored configuration;
    with `log_times`, at the millisecond times of the saved slurmctld log (where it has every
    job), the main loop batched as slurm.conf says: "modelled" fits the threads' clocks to what
    an info-level log shows; "logged" also runs the main loop, backfill and decay passes at
    every pass a debug-level log records. `whole_seconds` (export only): the simulator's
    times recorded in whole seconds, as the export's are."""
    text = read_export(folder)
    ids = json.loads((folder / "ids.json").read_text(encoding="utf-8"))
    conf = mirror((folder / "slurm.conf").read_text(encoding="utf-8"))
    facts_file = folder / "run.json"
    facts = json.loads(facts_file.read_text(encoding="utf-8")) if facts_file.exists() else {}
    boot = facts.get("slurmctld_boot")
    if boot:
        origin = dt.datetime.fromisoformat(boot).replace(tzinfo=dt.UTC).timestamp()
        conf = replace(conf, options=replace(conf.options, cycle_origin_s=origin))
    log = read_log(folder, ids) if log_times else None
    if log is None:
        # Whole seconds cannot say whether a submission came before or after the background
        # thread's wake-up in the same second: the main loop runs at every event instead.
        conf = replace(conf, options=replace(conf.options, batch_sched_delay_s=0.0))
    report = evaluate(
        text,
        str(folder / "sacct.txt"),
        ids,
        conf,
        completing_s,
        log,
        log_times == "logged",
        {account: float(share) for account, share in facts.get("shares", {}).items()},
        whole_seconds and log is None,
        sub_second if log is None else None,
        end_answer_s,
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
    shares: dict[str, float] | None = None,
    whole_seconds: bool = False,
    sub_second: tuple[float, float, float] | None = None,
    end_answer_s: float | None = None,
) -> dict[str, Any]:
    trace = parse_lines(text.splitlines(), "sacct", source)
    if log is not None:
        trace = with_log(trace, text, ids, log)
        conf = log_clocks(conf, log, text, every_pass)
    # The accounts exist before the first submission (sacctmgr, Fairshare=1 by default, or as
    # the run gave them), so Slurm's decay thread ranks every one of them from its first pass on.
    accounts = {line.split("|")[2] for line in text.splitlines()[1:]}
    given = shares or {}
    conf = replace(
        conf,
        cluster=ClusterSpec(conf.cluster.groups, {a: given.get(a, 1.0) for a in sorted(accounts)}),
    )
    # Slurm frees a job's nodes a moment after the end sacct records (COMPLETING): the job holds
    # its GPUs that much longer in the simulator too.
    end_at = None
    if sub_second is not None:
        end_at = recorded_second_end(sub_second[0], sub_second[1])
        completing_s, whole_seconds = 0.0, True
    trace.work = trace.work + completing_s
    real = real_times(text, ids) if log is None else logged_times(text, ids, log)
    # Simulation time 0 is the first submission's whole second; Slurm rounds its backfill map
    # and times its cycles on the wall clock, so the simulator is told where time 0 falls on it.
    epoch = math.floor(min(t.submit for t in real.values()))
    conf = replace(conf, options=replace(conf.options, epoch_s=float(epoch)))
    if sub_second is not None:
        boot = conf.options.cycle_origin_s
        boot = float(epoch) if boot is None else boot
        conf = replace(conf, options=replace(conf.options, cycle_origin_s=boot + sub_second[2]))
    if end_answer_s is not None:
        conf = replace(conf, options=replace(conf.options, end_answer_s=end_answer_s))
    report: dict[str, Any] = {
        "jobs": len(trace),
        "skipped_lines": [str(s) for s in trace.skipped],
        "cluster": conf.cluster.describe(),
        "mirrored_policy": conf.policy,
        "options": {k: v for k, v in vars(conf.options).items() if k in MIRRORED_OPTIONS},
        "cannot_mirror": conf.notes,
        "completing_s": completing_s,
        "sim_whole_seconds": whole_seconds,
        "sub_second": list(sub_second) if sub_second is not None else None,
        "end_answer_s": end_answer_s,
        "policies": {},
    }
    capacity: dict[str, int] = {}
    for group in conf.cluster.groups:
        capacity[group.chip] = capacity.get(group.chip, 0) + group.gpus
    for policy in dict.fromkeys((conf.policy, *REFERENCE_POLICIES)):
        result = simulate(trace, conf.cluster, policy, conf.options, end_at=end_at)
        simulated = simulated_times(result, text, ids, whole_seconds)
        report["policies"][policy] = {
            **compare(real, simulated).as_dict(),
            "free_while_waiting_real_gpu_s": free_while_waiting(real.values(), capacity),
            "free_while_waiting_sim_gpu_s": free_while_waiting(simulated.values(), capacity),
        }
    return report


def slurm_against_slurm(first: Path, second: Path, whole: bool = False) -> dict[str, float]:
    """Two Slurm runs of one workload (same seed and shape) compared as the simulator is: how
    far Slurm reproduces itself. Times from each run's log where it has every job, else (or
    with `whole`, as the simulator is compared with an export) from its export's whole
    seconds; each run's time 0 is its first submission."""

    def times(folder: Path) -> dict[str, Times]:
        text = read_export(folder)
        ids = json.loads((folder / "ids.json").read_text(encoding="utf-8"))
        log = None if whole else read_log(folder, ids)
        real = real_times(text, ids) if log is None else logged_times(text, ids, log)
        zero = min(t.submit for t in real.values())
        return {
            name: replace(t, submit=t.submit - zero, start=t.start - zero, end=t.end - zero)
            for name, t in real.items()
        }

    return compare(times(first), times(second)).as_dict()


def end_to_start_gaps(folder: Path) -> dict[str, float]:
    """How long after a job's recorded end Slurm started a job that had waited for it: per job
    that waited, the gap from the last end on its chip (after its submission) to its start."""
    text = read_export(folder)
    real = real_times(text, json.loads((folder / "ids.json").read_text(encoding="utf-8")))
    gaps = []
    for job in real.values():
        ends = [t.end for t in real.values() if t.chip == job.chip and job.submit <= t.end]
        before = [end for end in ends if end <= job.start]
        if job.start > job.submit and before:
            gaps.append(job.start - max(before))
    return {"jobs": len(gaps), "mean": round(float(np.mean(gaps)), 2) if gaps else math.nan}


def logged_latency(folder: Path) -> dict[str, float]:
    """From a debug-level log (every main-loop pass logged): the median time from a job's end
    to the next main-loop pass, and, for the jobs the main loop started after waiting, the
    median time from the last end before their start (what `--completing-s` stands for)."""
    ids = json.loads((folder / "ids.json").read_text(encoding="utf-8"))
    log = read_log(folder, ids)
    if log is None or not log.passes:
        return {}
    passes = sorted(t for t, _ in log.passes)
    ends = sorted(log.ends.values())
    to_pass = [passes[i] - end for end in ends if (i := bisect_right(passes, end)) < len(passes)]
    to_start = [
        start - ends[i - 1]
        for job, (start, loop) in log.starts.items()
        if loop == "main"
        and job in log.submits
        and start - log.submits[job][0] > 1.0  # it waited (a start on submission is not one)
        and (i := bisect_left(ends, start)) > 0
    ]
    return {
        "main_starts": len(to_start),
        "median_end_to_main_start": round(float(np.median(to_start)), 3) if to_start else math.nan,
        "median_end_to_next_pass": round(float(np.median(to_pass)), 3) if to_pass else math.nan,
    }


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
