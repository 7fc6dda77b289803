"""Memory of a preemptive run: every run segment kept, or per-job GPU-seconds only.

Issue 19 asks for the memory of a run with 100,000 preemptions and for memory bounded by the
number of jobs, not of preemptions. LAS (Tiresias' 2D-LAS) on Philly-like synthetic jobs at
offered load 1.2 on 64 H800 preempts about 19 times per job. Each run is a fresh process (peak
resident memory is per process); `keep` is `simulate(..., keep_segments=True)` (the library's
default, what tests read), `compact` is `keep_segments=False` (what `aisc sim` does).

Usage: .venv/bin/python benchmarks/sim_preemptions.py [JOBS ...]     (default: 10000 52000)
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

from aisc.core.scheduling.model import parse_cluster
from aisc.core.simulation.run import simulate
from aisc.core.simulation.synthetic import philly_like


def one(jobs: int, keep: bool) -> dict[str, float]:
    trace = philly_like(jobs, gpus=64, load=1.2, seed=0)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu = time.process_time()
    result = simulate(trace, parse_cluster("h800=8x8"), "las", keep_segments=keep)
    cpu = time.process_time() - cpu
    seg = result.record.segments
    columns = (seg.job, seg.start, seg.end, seg.group, seg.allocated)
    segment_bytes = sum(c.itemsize * len(c) for c in columns)
    per_job = result.record.gpu_seconds
    return {
        "preemptions": result.summary["preemptions"],
        "segments": len(seg),
        "segment_mib": segment_bytes / 2**20,
        "gpu_seconds_mib": per_job.itemsize * len(per_job) / 2**20,
        "cpu_s": cpu,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_growth_mib": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024,
    }


def main() -> None:
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(one(int(sys.argv[2]), sys.argv[3] == "keep")))
        return
    print(f"load average {os.getloadavg()[0]:.1f}")
    for jobs in [int(a) for a in sys.argv[1:]] or [10000, 52000]:
        for mode in ("keep", "compact"):
            command = [sys.executable, __file__, "--one", str(jobs), mode]
            r = json.loads(subprocess.run(command, capture_output=True, text=True).stdout)
            print(
                f"{jobs:>7,} jobs {mode:<8} preemptions {r['preemptions']:>10,.0f}  segments "
                f"{r['segments']:>10,.0f} ({r['segment_mib']:7.1f} MiB)  per-job GPU-s "
                f"{r['gpu_seconds_mib']:5.2f} MiB  peak RSS {r['peak_rss_mib']:6.1f} MiB "
                f"(+{r['rss_growth_mib']:.1f} during the run)  cpu {r['cpu_s']:.1f} s"
            )


if __name__ == "__main__":
    main()
