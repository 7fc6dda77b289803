"""How simulation time grows from 10,000 to 1,000,000 synthetic jobs at 80 % load on 4,096 GPUs.

Philly-like jobs (aisc.core.simulation.synthetic.philly_like), 512 nodes x 8 H800, seed 1.
Aim (issue 6): near-linear growth; 1,000,000 jobs with backfill in under 5 minutes, on one core.

Usage: .venv/bin/python benchmarks/sim_scaling.py [MAX_JOBS] [POLICY ...]
       (default: 1000000, fifo backfill)
"""

from __future__ import annotations

import os
import resource
import sys
import time

from aisc.core.scheduling.model import parse_cluster
from aisc.core.simulation.run import simulate
from aisc.core.simulation.synthetic import philly_like

SIZES = (10_000, 100_000, 1_000_000)
BACKFILL_1M_TARGET_S = 300.0


def main() -> None:
    largest = int(sys.argv[1]) if len(sys.argv) > 1 else SIZES[-1]
    policies = sys.argv[2:] or ["fifo", "backfill"]
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    cluster = parse_cluster("h800=512x8")
    for size in (n for n in SIZES if n <= largest):
        trace = philly_like(size, gpus=cluster.gpus, load=0.8, seed=1)
        for policy in policies:
            began = time.perf_counter()
            result = simulate(trace, cluster, policy)
            wall = time.perf_counter() - began
            s = result.summary
            note = ""
            if policy == "backfill" and size == 1_000_000:
                met = "met" if wall < BACKFILL_1M_TARGET_S else "MISSED"
                note = f"  target < {BACKFILL_1M_TARGET_S:.0f} s: {met}"
            print(
                f"{size:>9,} jobs {policy:<10} wall {wall:7.2f} s  {size / wall:9,.0f} jobs/s  "
                f"utilisation {s['utilization']:.3f}  avg wait {s['avg_wait_s']:.0f} s{note}"
            )
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
