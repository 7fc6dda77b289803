"""LAS against FIFO in CPU, on traces with many concurrent jobs (issue 19: "LAS at FIFO's order
of cost on traces with many concurrent jobs").

Philly-like synthetic jobs (aisc.core.simulation.synthetic.philly_like, seed 1) on 512 x 8 H800
(4,096 GPUs, thousands of jobs running at once), at offered load 0.8 (no queue to speak of) and
1.2 (a queue, and LAS preempts). Per-job GPU-seconds only (`keep_segments=False`, as `aisc sim`
runs). Each policy runs in the same process, one after the other, on the same trace; CPU is
process time of the simulation alone (the trace is generated once, outside it).

Usage: .venv/bin/python benchmarks/sim_las_cost.py [JOBS [LOAD ...]]   (default: 30000 0.8 1.2)
"""

from __future__ import annotations

import os
import sys
import time

from aisc.core.scheduling.model import parse_cluster
from aisc.core.simulation.run import simulate
from aisc.core.simulation.synthetic import philly_like

CLUSTER = "h800=512x8"


def main() -> None:
    jobs = int(sys.argv[1]) if len(sys.argv) > 1 else 30_000
    loads = [float(a) for a in sys.argv[2:]] or [0.8, 1.2]
    cluster = parse_cluster(CLUSTER)
    print(f"load average {os.getloadavg()[0]:.1f}; {jobs:,} jobs on {CLUSTER}")
    print("| offered load | fifo CPU | las CPU | las / fifo | las preemptions | peak running |")
    print("| --- | --- | --- | --- | --- | --- |")
    for load in loads:
        trace = philly_like(jobs, gpus=cluster.gpus, load=load, seed=1)
        cpu: dict[str, float] = {}
        for policy in ("fifo", "las"):
            began = time.process_time()
            result = simulate(trace, cluster, policy, keep_segments=False)
            cpu[policy] = time.process_time() - began
        running = max(result.timeline.running) if len(result.timeline) else 0
        print(
            f"| {load} | {cpu['fifo']:.2f} s | {cpu['las']:.2f} s | "
            f"{cpu['las'] / cpu['fifo']:.1f} | {result.summary['preemptions']:,} | {running:,} |"
        )
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
