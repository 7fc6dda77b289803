"""Memory of a preemptive run: every run segment kept, or per-job GPU-seconds only.

Issue 19 asks for the memory of a run with 100,000 preemptions and for memory bounded by the
number of jobs, not of preemptions. Two workloads, each run in a fresh child process under
`/usr/bin/time -v` (its "Maximum resident set size" is the peak RSS reported):

- `las`: Tiresias' 2D-LAS on Philly-like synthetic jobs at offered load 1.2 on 64 H800, in two
  modes: `keep` is `simulate(..., keep_segments=True)` (the library's default, what tests read),
  `compact` is `keep_segments=False` (what `aisc sim` does).
- `hetero`: the heterogeneity-aware policy (max-min, its default restart cost) on Gavel's
  continuous workload at 2.6 jobs/h on 36 V100 + 36 P100 + 36 K80 (108 GPUs, the issue's
  "108-GPU trace"), `compact`, with the largest simulator heap seen (sampled every 50 simulated
  hours) and the rounds that did reallocation work against the round boundaries passed. Needs
  Gavel's throughput matrix from the public trace data (AISC_TRACE_DIR, docs/traces.md); the
  row is skipped without it.

Usage: .venv/bin/python benchmarks/sim_preemptions.py [las:JOBS | hetero:JOBS ...]
       (default: las:10000 hetero:10000)
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

from public_traces import find

from aisc.core.scheduling.model import parse_cluster
from aisc.core.scheduling.policies import make_policy
from aisc.core.scheduling.policy import PolicyOptions
from aisc.core.simulation.engine import Simulator
from aisc.core.simulation.synthetic import gavel_continuous, philly_like
from aisc.core.simulation.traces.gavel import read_throughputs

GAVEL_CLUSTER = "v100=36x1,p100=36x1,k80=36x1"
MATRIX = "gavel/simulation_throughputs.json"
STEP_S = 50 * 3600.0


def one(workload: str, jobs: int, keep: bool) -> dict[str, float]:
    if workload == "las":
        trace, cluster = philly_like(jobs, gpus=64, load=1.2, seed=0), parse_cluster("h800=8x8")
    else:
        path = find(MATRIX)
        assert path is not None
        matrix = read_throughputs(path.read_text("utf-8"))
        trace = gavel_continuous(jobs, jobs_per_hour=2.6, matrix=matrix, seed=0)
        cluster = parse_cluster(GAVEL_CLUSTER)
    policy = make_policy(workload, cluster, PolicyOptions())
    cpu = time.process_time()
    sim = Simulator(cluster, policy, trace, keep_segments=keep)
    heap = 0
    while sim.heap or sim._cursor < len(trace):
        sim.advance(sim.now + STEP_S)
        heap = max(heap, len(sim.heap))
    cpu = time.process_time() - cpu
    seg = sim.record.segments
    columns = (seg.job, seg.start, seg.end, seg.group, seg.allocated)
    per_job = sim.record.gpu_seconds
    return {
        "preemptions": float(sum(sim.record.preemptions)),
        "segments": len(seg),
        "segment_mib": sum(c.itemsize * len(c) for c in columns) / 2**20,
        "gpu_seconds_mib": per_job.itemsize * len(per_job) / 2**20,
        "cpu_s": cpu,
        "heap": heap,
        "rounds": float(getattr(policy, "rounds", 0)),
        "boundaries": sim.now / policy.options.round_s,
        "ru_maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def measured(workload: str, jobs: int, mode: str) -> dict[str, float]:
    """One run in a child under /usr/bin/time -v; its peak RSS as time reports it."""
    command = [sys.executable, __file__, "--one", workload, str(jobs), mode]
    timed = Path("/usr/bin/time").exists()
    child = subprocess.run(
        (["/usr/bin/time", "-v"] if timed else []) + command, capture_output=True, text=True
    )
    result: dict[str, float] = json.loads(child.stdout)
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", child.stderr)
    result["peak_rss_mib"] = int(found.group(1)) / 1024 if found else result["ru_maxrss_mib"]
    return result


def main() -> None:
    if sys.argv[1:2] in (["-h"], ["--help"]):
        print(__doc__)
        return
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(one(sys.argv[2], int(sys.argv[3]), sys.argv[4] == "keep")))
        return
    print(f"load average {os.getloadavg()[0]:.1f}")
    runs = [a.split(":") for a in sys.argv[1:]] or [["las", "10000"], ["hetero", "10000"]]
    for workload, jobs in runs:
        if workload == "hetero" and find(MATRIX) is None:
            print(f"hetero skipped: AISC_TRACE_DIR does not hold {MATRIX} (docs/traces.md)")
            continue
        for mode in ("keep", "compact") if workload == "las" else ("compact",):
            r = measured(workload, int(jobs), mode)
            rounds = (
                f"  rounds {r['rounds']:,.0f} of {r['boundaries']:,.0f} boundaries"
                if workload == "hetero"
                else ""
            )
            print(
                f"{workload} {int(jobs):>7,} jobs {mode:<8} preemptions {r['preemptions']:>10,.0f}"
                f"  segments {r['segments']:>10,.0f} ({r['segment_mib']:7.1f} MiB)  per-job "
                f"GPU-s {r['gpu_seconds_mib']:5.2f} MiB  peak heap {r['heap']:,.0f}  peak RSS "
                f"{r['peak_rss_mib']:6.1f} MiB  cpu {r['cpu_s']:.1f} s{rounds}"
            )
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
