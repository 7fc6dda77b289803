"""How simulation time grows from 10,000 to 1,000,000 synthetic jobs at 80 % load on 4,096 GPUs.

Philly-like jobs (aisc.core.simulation.synthetic.philly_like: run times cut at 7 days), 512 nodes
x 8 H800, seed 1. Aim (issue 6): near-linear growth; 1,000,000 jobs with backfill in under
5 minutes, on one core.

Usage: .venv/bin/python benchmarks/sim_scaling.py [--load L] [--seed S] [MAX_JOBS] [POLICY ...]
       (default: load 0.8, seed 1, 1000000, fifo backfill; issue 19 asks
       `--load 1.2 1000000 slurm`; another seed draws other jobs, so that a figure does not rest
       on one trace)
       .venv/bin/python benchmarks/sim_scaling.py --steps SIZE POLICY LOAD STEP_S
       (one run advanced STEP_S simulated seconds at a time, CPU and queue printed per step)
       .venv/bin/python benchmarks/sim_scaling.py --recalc QUEUED
       (CPU of one PriorityCalcPeriod recalculation of `slurm` with QUEUED jobs waiting)
       .venv/bin/python benchmarks/sim_scaling.py --digest
       (overloaded runs, four of `slurm`, one each of `backfill` and `multifactor`: a digest of
       every job's start, end and group, and the CPU; a change meant to keep the starts must
       print the same digests)
Each (size, policy) runs in its own child process, pinned to one core, so its peak resident memory
is its own. Prints one Markdown row per run: jobs, policy, CPU and wall seconds of the simulation
(generating the trace is timed apart), jobs per CPU-second, peak RSS, utilisation over the whole
run and in steady state (docs/simulator.md), average wait, the load average when it ended, and
a digest of every job's first start, end and group (as --digest prints).
The verdict uses CPU time: on a shared machine wall time also counts other processes' turns.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aisc.core.simulation.records import RunRecord

SIZES = (10_000, 30_000, 100_000, 300_000, 1_000_000)
CLUSTER = "h800=512x8"
BACKFILL_1M_TARGET_S = 300.0


def one_run(size: int, policy: str, load: float = 0.8, seed: int = 1) -> dict[str, float | str]:
    from aisc.core.scheduling.model import parse_cluster
    from aisc.core.simulation.run import simulate
    from aisc.core.simulation.synthetic import philly_like

    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    cluster = parse_cluster(CLUSTER)
    began = time.perf_counter()
    trace = philly_like(size, gpus=cluster.gpus, load=load, seed=seed)
    generated = time.perf_counter() - began
    wall, cpu = time.perf_counter(), time.process_time()
    result = simulate(trace, cluster, policy)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    summary = result.summary
    return {
        "digest": record_digest(result.record),
        "generate_s": generated,
        "wall_s": wall,
        "cpu_s": cpu,
        "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "utilization": summary["utilization"],
        "steady_utilization": summary["steady_utilization"],
        "avg_wait_s": summary["avg_wait_s"],
        "load_avg": os.getloadavg()[0],
    }


def record_digest(record: RunRecord) -> str:
    """Every job's first start, end and group, as one digest: a change meant to keep the
    simulated outcome must keep it."""
    import hashlib

    sha = hashlib.sha256()
    for column in (record.first_start, record.end, record.group):
        sha.update(bytes(column))
    return sha.hexdigest()[:16]


def steps(size: int, policy: str, load: float, step_s: float, seed: int = 1) -> None:
    """Advance one run `step_s` simulated seconds at a time, printing the CPU spent so far and
    the queue: where a run that does not finish spends its time. Another `seed` draws other
    jobs, so that a figure does not rest on one trace."""
    from aisc.core.scheduling.model import parse_cluster
    from aisc.core.scheduling.policies import make_policy
    from aisc.core.simulation.engine import Simulator
    from aisc.core.simulation.synthetic import philly_like

    cluster = parse_cluster(CLUSTER)
    trace = philly_like(size, gpus=cluster.gpus, load=load, seed=seed)
    sim = Simulator(cluster, make_policy(policy, cluster), trace, keep_segments=False)
    cpu, until = time.process_time(), float(trace.submit[-1])
    print(f"arrivals span {until:,.0f} s")
    while sim.record.ended + len(trace.skipped) < size:
        sim.advance(sim.now + step_s)
        print(
            f"t={sim.now:,.0f} s  CPU {time.process_time() - cpu:.1f} s  queue {sim.pending:,}  "
            f"ended {sim.record.ended:,}  load avg {os.getloadavg()[0]:.1f}",
            flush=True,
        )


def recalc(queued: int) -> None:
    """Time `slurm`'s priority recalculation over a queue of `queued` Philly-like jobs: Slurm
    recalculates every pending job each PriorityCalcPeriod, so a run pays this per period."""
    from aisc.core.scheduling.model import parse_cluster
    from aisc.core.scheduling.policies.slurm import Slurm
    from aisc.core.scheduling.policy import PolicyOptions
    from aisc.core.simulation.synthetic import philly_like

    cluster = parse_cluster(CLUSTER)
    trace = philly_like(queued, gpus=cluster.gpus, load=1.2, seed=1)
    policy = Slurm(cluster, PolicyOptions())
    columns = trace.as_lists()
    for i in range(queued):
        job = columns.job(i)
        policy.submit(job, job.submit)
    now, rounds = float(trace.submit[-1]), 10
    cpu = time.process_time()
    for _ in range(rounds):
        now += policy.options.calc_period_s
        policy.recalculate(now)
    each = (time.process_time() - cpu) / rounds
    print(
        f"{queued:,} queued: {each * 1000:.1f} ms CPU per recalculation, "
        f"{each / queued * 1e9:.0f} ns per job, load avg {os.getloadavg()[0]:.1f}"
    )


# (jobs, cluster, offered load, seed, bf_node_space_size or None for the default, policy)
DigestRun = tuple[int, str, float, int, int | None, str]
DIGEST_RUNS: tuple[DigestRun, ...] = (
    (6_000, "h800=32x8", 1.5, 1, None, "slurm"),
    (6_000, "h800=32x8", 1.5, 2, 2_000_000, "slurm"),
    (20_000, "h800=64x8", 1.3, 3, None, "slurm"),
    (8_000, "h800=16x8,br104=16x4", 1.4, 4, 2_000_000, "slurm"),
    (20_000, "h800=64x8", 1.3, 3, None, "backfill"),
    (8_000, "h800=16x8,br104=16x4", 1.4, 4, None, "multifactor"),
)


def digest(runs: tuple[DigestRun, ...] = DIGEST_RUNS) -> None:
    """Overloaded runs where the backfill map holds many reservations, each reduced to one
    digest of every job's first start, end and group (and the CPU it took)."""
    from aisc.core.scheduling.model import parse_cluster
    from aisc.core.scheduling.policy import PolicyOptions
    from aisc.core.simulation.run import simulate
    from aisc.core.simulation.synthetic import philly_like

    for size, spec, load, seed, space, policy in runs:
        cluster = parse_cluster(spec)
        trace = philly_like(size, gpus=cluster.gpus, load=load, seed=seed)
        options = PolicyOptions() if space is None else PolicyOptions(bf_node_space_size=space)
        cpu = time.process_time()
        record = simulate(trace, cluster, policy, options, keep_segments=False).record
        cpu = time.process_time() - cpu
        print(
            f"{policy}, {size:,} jobs on {spec} at load {load}, seed {seed}, "
            f"bf_node_space_size {space}: "
            f"{record_digest(record)}  CPU {cpu:.1f} s  load avg {os.getloadavg()[0]:.1f}",
            flush=True,
        )


def main() -> None:
    if sys.argv[1:2] in (["-h"], ["--help"]):
        print(__doc__)
        return
    if sys.argv[1:2] == ["--digest"]:
        digest()
        return
    if sys.argv[1:2] == ["--recalc"]:
        recalc(int(sys.argv[2]))
        return
    if sys.argv[1:2] == ["--steps"]:
        seed = int(sys.argv[6]) if len(sys.argv) > 6 else 1
        steps(int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), float(sys.argv[5]), seed)
        return
    if sys.argv[1:2] == ["--one"]:
        seed = int(sys.argv[5]) if len(sys.argv) > 5 else 1
        print(json.dumps(one_run(int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), seed)))
        return
    args, load, seed = sys.argv[1:], 0.8, 1
    if args[:1] == ["--load"]:
        load, args = float(args[1]), args[2:]
    if args[:1] == ["--seed"]:
        seed, args = int(args[1]), args[2:]
    largest = int(args[0]) if args else SIZES[-1]
    policies = args[1:] or ["fifo", "backfill"]
    print(
        "| jobs | policy | CPU | wall | jobs/CPU-s | peak RSS | utilisation | steady | "
        "avg wait | load avg | digest |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for size in (n for n in SIZES if n <= largest):
        for policy in policies:
            child = subprocess.run(
                [sys.executable, __file__, "--one", str(size), policy, str(load), str(seed)],
                check=True,
                capture_output=True,
                text=True,
            )
            r = json.loads(child.stdout.strip().splitlines()[-1])
            note = ""
            if policy in ("backfill", "slurm") and size == 1_000_000:
                met = "met" if r["cpu_s"] < BACKFILL_1M_TARGET_S else "MISSED"
                note = f" (target < {BACKFILL_1M_TARGET_S:.0f} s: {met})"
            print(
                f"| {size:,} | {policy} | {r['cpu_s']:.1f} s{note} | {r['wall_s']:.1f} s | "
                f"{size / r['cpu_s']:,.0f} | {r['rss_mib']:.0f} MiB | {r['utilization']:.3f} | "
                f"{r['steady_utilization']:.3f} | {r['avg_wait_s']:,.0f} s | {r['load_avg']:.1f} | "
                f"{r['digest']} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
