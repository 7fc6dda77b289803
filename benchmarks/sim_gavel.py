"""Gavel's 36:36:36 multi-GPU continuous-arrival experiment (OSDI'20 Fig. 9), reproduced.

Setting, as Gavel's artifact runs it (EXPERIMENTS.md, "Figure 9": run_sweep_continuous.py -s 4000
-e 5000 -c 36:36:36 --seeds 0 1 2 --generate-multi-gpu-jobs, default --num_gpus_per_server 1:1:1,
360 s rounds): 36 V100 + 36 P100 + 36 K80 GPUs, one GPU per server (so a gang of 8 takes any 8
GPUs of one type); Poisson arrivals at R jobs/hour; each job drawn by Gavel's `generate_job`
(`synthetic.gavel_continuous`: gang 1/2/4/8 at 70/10/15/5 %, V100 run time 60*10^U(1.5,3) s or,
with probability 0.2, 60*10^U(3,4) s, job type uniform among those measured at that gang size,
speeds = isolated throughputs of $AISC_TRACE_DIR/gavel/simulation_throughputs.json, public
data: docs/traces.md); the
average JCT of jobs 4000-4999 (by arrival) in hours, averaged over seeds 0, 1, 2. Arrivals go on
while the window drains; the run stops once every window job has ended.

Usage: .venv/bin/python benchmarks/sim_gavel.py [--rates 2.6] [--seeds 0 1 2] [--policies ...]
Prints one row per rate and policy beside Gavel's published figures, and the CPU time per run.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from public_traces import trace_path

from aisc.core.scheduling.model import parse_cluster
from aisc.core.scheduling.policies import make_policy
from aisc.core.scheduling.policy import PolicyOptions
from aisc.core.simulation.engine import Simulator
from aisc.core.simulation.synthetic import gavel_continuous
from aisc.core.simulation.traces.gavel import read_throughputs

CLUSTER = "v100=36x1,p100=36x1,k80=36x1"
WINDOW = (4000, 5000)
JOBS = 20_000  # arrivals go on past the window so it drains under load; runs stop before them
STEP_S = 50 * 3600.0

# Gavel's published averages (hours, seeds 0-2), notebook
# scheduler/notebooks/figures/evaluation/continuous_jobs_multigpu.ipynb as stored at commit
# 2d8e076 (the search index's copy): FIFO, FIFO_Perf ("Gavel"), LAS (max_min_fairness),
# LAS_Perf ("Gavel"), LAS_Packed ("Gavel w/ SS"). The anchors
# (docs/facts/scheduling-anchors.md row 2, from c4fa400) give for 2.6 jobs/h: FIFO 304.8,
# FIFO_Perf 93.6, LAS 70.5, LAS_Perf 36.4, LAS_Packed 30.5.
PUBLISHED = {
    1.0: {"fifo": 18.36, "fifo_perf": 15.83, "las": 24.14, "las_perf": 17.22, "las_ss": 17.83},
    2.0: {"fifo": 31.08, "fifo_perf": 20.38, "las": 25.22, "las_perf": 18.69, "las_ss": 18.15},
    2.4: {"fifo": 191.71, "fifo_perf": 39.32, "las": 36.70, "las_perf": 26.27, "las_ss": 21.82},
    2.6: {"fifo": 348.96, "fifo_perf": 138.03, "las": 72.43, "las_perf": 32.52, "las_ss": 25.54},
    2.8: {"fifo": 467.02, "fifo_perf": 247.44, "las": 198.84, "las_perf": 45.97, "las_ss": 32.73},
}
ANCHOR_2_6 = {"fifo": 304.8, "fifo_perf": 93.6, "las": 70.5, "las_perf": 36.4, "las_ss": 30.5}
POLICIES = {  # ours -> (policy, options)
    "fifo": ("fifo", PolicyOptions()),
    "las": ("las", PolicyOptions()),
    "hetero max-min": ("hetero", PolicyOptions(hetero_objective="max-min")),
    "hetero min-jct": ("hetero", PolicyOptions(hetero_objective="min-jct")),
}


def window_jct_hours(rate: float, seed: int, label: str) -> tuple[float, float, bool]:
    """Average JCT of the window (hours), CPU seconds, and whether arrivals outlasted it."""
    matrix = read_throughputs(
        (trace_path("gavel") / "simulation_throughputs.json").read_text("utf-8")
    )
    trace = gavel_continuous(JOBS, jobs_per_hour=rate, matrix=matrix, seed=seed)
    cluster = parse_cluster(CLUSTER)
    name, options = POLICIES[label]
    cpu = time.process_time()
    sim = Simulator(cluster, make_policy(name, cluster, options), trace)
    first, last = WINDOW
    while True:
        sim.advance(sim.now + STEP_S)
        ends = np.frombuffer(sim.record.end, dtype=np.float64)[first:last]
        if (ends >= 0).all() or sim.now > float(trace.submit[-1]) + 100 * STEP_S:
            break
    cpu = time.process_time() - cpu
    submit = trace.submit[first:last]
    closed = bool((ends >= 0).all() and ends.max() <= trace.submit[-1])
    return float((ends - submit).mean() / 3600), cpu, closed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", type=float, nargs="+", default=[2.6])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--policies", nargs="+", default=list(POLICIES), choices=list(POLICIES))
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    print(f"cluster {CLUSTER}, window jobs {WINDOW[0]}-{WINDOW[1] - 1}, seeds {args.seeds}")
    print(f"load average {os.getloadavg()[0]:.1f} at start")
    for rate in args.rates:
        published = PUBLISHED.get(rate, {})
        shown = ", ".join(f"{k} {v}" for k, v in published.items())
        print(f"\nrate {rate} jobs/h; Gavel (notebook): {shown or 'not published'}")
        if rate == 2.6:
            print("  Gavel (anchors): " + ", ".join(f"{k} {v}" for k, v in ANCHOR_2_6.items()))
        for label in args.policies:
            runs = [window_jct_hours(rate, seed, label) for seed in args.seeds]
            jcts = [jct for jct, _, _ in runs]
            cpu = sum(c for _, c, _ in runs)
            closed = "" if all(c for *_, c in runs) else "  (window outlived the arrivals)"
            per_seed = " / ".join(f"{j:.1f}" for j in jcts)
            print(
                f"  {label:<15} avg JCT {np.mean(jcts):7.2f} h  (seeds {per_seed})  "
                f"cpu {cpu:6.1f} s{closed}"
            )
    print(f"\nload average {os.getloadavg()[0]:.1f} at end")


if __name__ == "__main__":
    main()
