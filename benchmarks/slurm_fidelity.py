"""Fidelity against real Slurm (issue 6 §10, issue 19): the same short jobs on the Slurm test
cluster and on the simulator, with the cluster and policy read from the same slurm.conf.

Run it as root, holding the one test cluster's lock (the issue-19 workloads: seeds 10-12):

    flock /var/lock/aisc-slurm.lock bash -c 'bash scripts/slurm-test-cluster up && timeout 590 \
        .venv/bin/python benchmarks/slurm_fidelity.py --jobs 200 --seed 10 --max-run 20 \
        --spread 150 --out benchmarks/data/slurm-fidelity/w200-s10'

and again without Slurm with `--from-export --out DIR`. The run records when slurmctld started
(its cycles tick from then); the simulator holds each job's nodes `--completing-s` (1 s) past the
end sacct records, as Slurm frees them a moment later (`end_to_start_gaps_s` in the report
measures it from the export, `logged_latency_s` from a debug-level log).

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
import gzip
import json
import math
import os
import platform
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from aisc.adapters.slurm.cli import CliSlurm
from aisc.adapters.slurm.errors import SlurmCommandFailed
from aisc.adapters.slurm.usage import FIELDS, sacct_args
from aisc.core.simulation.slurmconf import SlurmMirror, mirror

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fidelity_compare import (
    end_to_start_gaps,
    evaluate_dir,
    logged_latency,
    slurm_against_slurm,
    table,
)

SLURM_CONF = Path("/etc/slurm/slurm.conf")
USERS = ("alice", "bob", "carol", "dave")
PARENT = "fidelity"
# Eligible: when a job became eligible (its begin time, `--at-once`); waits count from it.
EXPORT_FIELDS = (*FIELDS, "Timelimit", "Eligible")
GANGS, GANG_P = (1, 2, 4, 8, 16), (0.35, 0.25, 0.2, 0.15, 0.05)


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
    quantum_s: int = 0,
    to_limit_s: int = 0,
    gang_p: tuple[float, ...] = GANG_P,
) -> list[PlannedJob]:
    """With `quantum_s`, run times are whole multiples of it (from min to max run). With
    `to_limit_s`, every job has a limit of one minute and sleeps that less `to_limit_s`, so it
    ends when the backfill map planned it to (its limit), not at a time the map never knew."""
    rng = np.random.default_rng(seed)
    offsets = np.sort(rng.uniform(0.0, spread_s, n))
    jobs = []
    for i, offset in enumerate(offsets):
        run_s = int(rng.integers(min(min_run_s, max_run_s), max_run_s + 1))
        if quantum_s:
            run_s = max(quantum_s, round(run_s / quantum_s) * quantum_s)
        who = int(rng.integers(len(accounts)))
        gpus = int(rng.choice(GANGS, p=gang_p))
        limit_min = math.ceil((run_s + 5) / 60) + int(rng.integers(2))
        if to_limit_s:
            limit_min, run_s = 1, 60 - to_limit_s
        jobs.append(
            PlannedJob(
                name=f"fid-{i:03d}",
                offset_s=round(float(offset), 1),
                chip=chips[int(rng.integers(len(chips)))],
                gpus=gpus,
                run_s=run_s,
                limit_min=limit_min,
                account=accounts[who],
                user=USERS[who % len(USERS)],
            )
        )
    return jobs


def sbatch_argv(job: PlannedJob, partition: str, gpus_per_node: int, begin: str = "") -> list[str]:
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
        *([f"--begin={begin}"] if begin else []), "--wrap", f"sleep {job.run_s}",
    ]  # fmt: skip


class SlurmRun:
    """Accounts, timed submission, waiting and the sacct export, on the real cluster."""

    def __init__(self, accounts: list[str], shares: tuple[int, ...] = ()) -> None:
        self.slurm = CliSlurm()
        self.accounts = accounts
        self.shares = shares  # sacctmgr's Fairshare per account; none given: its default, 1

    def sacctmgr(self, *args: str, tolerate: str = "") -> None:
        try:
            self.slurm.runner.run(["sacctmgr", "-i", *args])
        except SlurmCommandFailed as exc:
            if not tolerate or tolerate not in exc.message:
                raise

    def create_accounts(self) -> None:
        self.sacctmgr("add", "account", PARENT, "parent=root", tolerate="Nothing new added")
        for i, account in enumerate(self.accounts):
            share = [f"fairshare={self.shares[i]}"] if self.shares else []
            self.sacctmgr("add", "account", account, f"parent={PARENT}", *share)
            self.sacctmgr("add", "user", USERS[i % len(USERS)], f"account={account}")

    def remove_accounts(self) -> None:
        for account in self.accounts:
            self.sacctmgr("delete", "account", f"name={account}", tolerate="Nothing deleted")

    def submit(
        self, jobs: list[PlannedJob], mirror_: SlurmMirror, begin: str = ""
    ) -> dict[str, str]:
        """Submit each job at its offset, or all at once to become eligible together at
        `begin`; Slurm job id -> job name."""
        group = {g.chip: g for g in mirror_.cluster.groups}
        ids, began = {}, time.monotonic()
        for job in jobs:
            if not begin:
                time.sleep(max(0.0, began + job.offset_s - time.monotonic()))
            chip = group[job.chip]
            done = subprocess.run(
                sbatch_argv(job, chip.partition, chip.gpus_per_node, begin),
                capture_output=True, text=True, timeout=30, check=False,
            )  # fmt: skip
            if done.returncode != 0:
                raise SystemExit(f"sbatch refused {job}: {done.stderr.strip()}")
            ids[done.stdout.strip().split(";")[0]] = job.name
        return ids

    def wake_at(self, begin: float) -> str:
        """At the begin time, submit one held job (never started, in root's own account): the
        backfill thread runs a cycle only when a job, node or partition changed since its last
        (backfill.c, `_more_work`), and a begin time passing changes none, so without this the
        jobs wait for the next node ping, up to 20 s later. Returns its id, to cancel after."""
        time.sleep(max(0.0, begin + 0.2 - time.time()))
        argv = ["sbatch", "--parsable", "--hold", "-J", "fid-wake", "-t", "1", "-o", "/dev/null"]
        return self.slurm.runner.run([*argv, "--wrap", "true"]).strip().split(";")[0]

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


def begin_time(n: int, boot: float, period_s: float, now: float | None = None) -> int:
    """When `n` jobs submitted from now, all with this begin time, become eligible together
    (the first scheduling pass after it sees them all): past their submission (0.3 s each and
    10 s, twice what sbatch took on the loaded test machine), and always at the same phase of
    the decay thread (passes every period from slurmctld's boot, `boot` in epoch seconds):
    its first pass that ranks the accounts by usage comes 45 % of a period after the begin
    time in every run (27 s of 60, past the ends of the first jobs of 10 and 20 s). Whole
    seconds, as sbatch --begin takes them."""
    at = math.ceil((time.time() if now is None else now) + 0.3 * n + 10)
    return at + math.ceil((0.55 * period_s - (at - boot)) % period_s)


def _all_final(text: str, ids: dict[str, str]) -> bool:
    final = {
        cells[0]
        for cells in (line.split("|") for line in text.splitlines()[1:])
        if cells[0] in ids and not cells[5].startswith(("PENDING", "RUNNING"))
    }
    return final == set(ids)


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
    # --backfill-log: each cycle's map, the nodes each job was tested on, its plan, retries
    r"|_dump_node_space_table|_dump_job_test|_dump_job_sched|BACKFILL: (?:Try later|JobId=\d+ ov)"
)


def debug_logging(on: bool, backfill: bool = False) -> None:
    """slurmctld's log level for one run: at debug it logs each main-loop pass ("sched: Running
    job scheduler") and backfill cycle ("_attempt_backfill: beginning"); the Priority flag logs
    each decay-thread pass ("Fair Tree fairshare algorithm"). Set at run time, so the test
    cluster's slurm.conf (SlurmctldDebug=info) is what it comes back to."""
    for argv in (
        ["scontrol", "setdebug", "debug" if on else "info"],
        ["scontrol", "setdebugflags", "+Priority" if on else "-Priority"],
        *([["scontrol", "setdebugflags", f"{'+' if on else '-'}{flag}"]
           for flag in ("Backfill", "BackfillMap")] if backfill else []),
    ):  # fmt: skip
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
    jobs = workload(
        args.jobs,
        args.seed,
        args.spread,
        chips,
        accounts,
        args.max_run,
        args.min_run,
        getattr(args, "quantum", 0),
        getattr(args, "to_limit", 0),
        getattr(args, "gang_p", GANG_P),
    )
    shares = tuple(getattr(args, "shares", ()))
    run = SlurmRun(accounts, shares)
    run.create_accounts()
    released, begin = "", 0
    try:
        since = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        at_once = bool(getattr(args, "at_once", False))
        if at_once:
            boot = dt.datetime.fromisoformat(slurmctld_boot()).replace(tzinfo=dt.UTC)
            begin = begin_time(len(jobs), boot.timestamp(), conf.options.calc_period_s)
            released = dt.datetime.fromtimestamp(begin, dt.UTC).isoformat(timespec="seconds")
        ids = run.submit(jobs, conf, begin=released[:19])
        if at_once and time.time() >= begin:
            raise SystemExit(f"the submissions ran past the begin time {released}")
        if at_once:
            wake = run.wake_at(begin)
            run.slurm.runner.run(["scancel", wake])
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
    if getattr(args, "backfill_log", False):  # megabytes of map dumps: kept gzipped
        (args.out / "slurmctld.log.gz").write_bytes(gzip.compress(log.encode("utf-8"), mtime=0))
    else:
        (args.out / "slurmctld.log").write_text(log, encoding="utf-8")
    run_facts = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} ({os.cpu_count()} cores)",
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "seed": args.seed,
        "spread_s": args.spread,
        "max_run_s": args.max_run,
        "min_run_s": args.min_run,
        "quantum_s": getattr(args, "quantum", 0),
        "to_limit_s": getattr(args, "to_limit", 0),
        "gang_p": list(getattr(args, "gang_p", GANG_P)),
        "at_once": at_once,
        "shares": dict(zip(accounts, shares, strict=True)) if shares else {},
        "released": released,
        "sched_params": args.sched_params or "as configured",
        "debug_log": bool(getattr(args, "debug_log", False)),
        "wall_s": round(time.perf_counter() - began, 1),
        "slurmctld_boot": slurmctld_boot(),
    }
    (args.out / "run.json").write_text(json.dumps(run_facts, indent=1), encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--spread", type=float, default=180.0, help="submission window (s)")
    parser.add_argument("--max-run", type=int, default=45, help="longest run time (s)")
    parser.add_argument("--min-run", type=int, default=5, help="shortest run time (s)")
    parser.add_argument(
        "--quantum", type=int, default=0, help="run times in whole multiples of this (s)"
    )
    parser.add_argument(
        "--to-limit",
        type=int,
        default=0,
        help="every job's limit one minute, its sleep that less this many seconds (it runs to "
        "its limit, as the backfill map plans it)",
    )
    parser.add_argument(
        "--gang-p",
        type=lambda text: tuple(float(x) for x in text.split(",")),
        default=GANG_P,
        help="probabilities of gangs of 1, 2, 4, 8 and 16 GPUs (default %(default)s)",
    )
    parser.add_argument(
        "--at-once",
        action="store_true",
        help="submit every job with one begin time, so all become eligible together (waits "
        "count from it)",
    )
    parser.add_argument(
        "--shares",
        type=lambda text: tuple(int(x) for x in text.split(",")),
        default=(),
        help="Fairshare of the four accounts, e.g. 1000,100,10,1 (default: 1 each)",
    )
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
        "--sim-whole-seconds",
        action="store_true",
        help="without --log-times: record the simulator's starts and ends in whole seconds, as "
        "sacct records Slurm's (so a fractional --completing-s is compared like with like)",
    )
    parser.add_argument(
        "--sub-second",
        type=lambda text: tuple(float(x) for x in text.split(",")),
        default=None,
        metavar="OVER,HOLD,PHASE",
        help="without --log-times: keep each start's phase within its second through the job's "
        "run, its end in the second the export records (OVER s past that phase where it stays "
        "there), its nodes free HOLD s later, backfill cycles PHASE s into slurmctld's boot "
        "second; implies --sim-whole-seconds, replaces --completing-s (e.g. 0.06,0.02,0.5)",
    )
    parser.add_argument(
        "--end-answer",
        type=float,
        default=None,
        metavar="S",
        help="the main loop answers a job's end S s after its nodes free (when slurmd reports "
        "its epilog complete; slurmd looks for the job's processes 0, 0.02, 0.07, 0.17, 0.67 s "
        "after the terminate request), not at once, and runs only then, at submissions and "
        "every sched_interval; a backfill cycle in between may take the nodes (e.g. 0.17)",
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
        "--backfill-log",
        action="store_true",
        help="with --debug-log: also each backfill reservation and map "
        "(setdebugflags +Backfill,+BackfillMap)",
    )
    parser.add_argument(
        "--against",
        type=Path,
        default=None,
        help="compare the Slurm run in OUT with another Slurm run of the same workload in "
        "this folder (how far Slurm reproduces itself); no simulation",
    )
    parser.add_argument(
        "--whole-seconds",
        action="store_true",
        help="with --against: compare at the exports' whole seconds (as the simulator is "
        "compared without --log-times), not at the logs' milliseconds",
    )
    args = parser.parse_args()
    if args.sub_second is not None and len(args.sub_second) != 3:
        parser.error("--sub-second takes three numbers: OVER,HOLD,PHASE")
    cpu = time.process_time()
    if args.against is not None:
        figures = slurm_against_slurm(args.out, args.against, args.whole_seconds)
        print(
            json.dumps({"first": str(args.out), "second": str(args.against), **figures}, indent=2)
        )
        return
    if not args.from_export:
        original = with_sched_params(args.sched_params) if args.sched_params else None
        if args.debug_log:
            debug_logging(True, args.backfill_log)
        try:
            replay(args)
        finally:
            if args.debug_log:
                debug_logging(False, args.backfill_log)
            if original is not None:
                restore(original)
    report = evaluate_dir(
        args.out,
        args.completing_s,
        args.log_times,
        args.sim_whole_seconds,
        args.sub_second,
        args.end_answer,
    )
    report["log_times"] = args.log_times
    report["end_to_start_gaps_s"] = end_to_start_gaps(args.out)
    report["logged_latency_s"] = logged_latency(args.out)
    report["evaluated"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    report["cpu_s"] = round(time.process_time() - cpu, 2)
    (args.out / "fidelity.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(json.dumps(report, indent=2))
    print(table(report))


if __name__ == "__main__":
    main()
