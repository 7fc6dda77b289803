"""GPU sharing on an OpenB-shaped cluster: fgd, best-fit and first-fit on the same pods.

Acceptance (issue 19): `aisc sim run --trace-format openb --nodes NODES.csv --trace PODS.csv
--policy fgd|best-fit|first-fit --json` runs on 1,213 GPU nodes and 8,000 pods, and fgd's
fragmentation is no higher than best-fit's on the same arrivals.

The lists are generated (aisc.core.simulation.sharing.synthetic: the public node list's shapes,
our pod mix), seed 0, under two arrival models: `untimed` (one pod a second, none leaves: the
cluster fills, Weng et al.'s workload inflation) and `timed` (Poisson arrivals offering 1.2 x the
cluster's GPUs, log-normal run times). Each run is the CLI command itself, in a subprocess.

The real OpenB lists are not in this repository. Where the public trace data (AISC_TRACE_DIR,
docs/traces.md) holds `openb/openb_node_list_gpu_node.csv` and `openb/openb_pod_list_default.csv`
(github.com/alibaba/clusterdata, cluster-trace-gpu-v2023/csv), they are run too; without them
that part says it was skipped.

Usage: .venv/bin/python benchmarks/sim_openb.py [--write DIR] [POLICY ...]
(--write DIR only writes nodes.csv, pods-untimed.csv and pods-timed.csv there.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from public_traces import TRACE_ENV, find

from aisc.core.simulation.sharing.synthetic import node_lines, pod_lines

NODES, PODS, SEED, LOAD = 1213, 8000, 0, 1.2
NODE_LIST, POD_LIST = "openb_node_list_gpu_node.csv", "openb_pod_list_default.csv"
AISC = str(Path(sys.executable).with_name("aisc"))


def write(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    nodes = node_lines(NODES)
    gpus = sum(int(line.split(",")[3]) for line in nodes[1:])
    files = {
        "nodes": folder / "nodes.csv",
        "untimed": folder / "pods-untimed.csv",
        "timed": folder / "pods-timed.csv",
    }
    files["nodes"].write_text("\n".join(nodes) + "\n", encoding="utf-8")
    untimed = pod_lines(PODS, seed=SEED, timed=False)
    files["untimed"].write_text("\n".join(untimed) + "\n", encoding="utf-8")
    timed = pod_lines(PODS, seed=SEED, gpus=gpus, load=LOAD)
    files["timed"].write_text("\n".join(timed) + "\n", encoding="utf-8")
    return files


def run(nodes: Path, pods: Path, policy: str) -> dict[str, object]:
    command = [AISC, "sim", "run", "--trace-format", "openb", "--nodes", str(nodes)]
    command += ["--trace", str(pods), "--policy", policy, "--json"]
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    body: dict[str, object] = json.loads(done.stdout)
    body["command_wall_s"] = time.perf_counter() - began
    return body


def report(label: str, nodes: Path, pods: Path, policies: list[str]) -> None:
    print(f"-- {label}: {pods.name}")
    frag = {}
    for policy in policies:
        s = run(nodes, pods, policy)
        frag[policy] = float(s["fragmentation"])  # type: ignore[arg-type]
        print(
            f"{policy:<10} fragmentation {s['fragmentation']:.4f}  allocated_gpu_share "
            f"{s['allocated_gpu_share']:.4f} (at last arrival "
            f"{s['allocated_gpu_share_at_last_arrival']:.4f})  "
            f"placed {s['placed']:,}/{s['pods']:,}  "
            f"waiting at end {s['waiting_at_end']:,}  avg wait {s['avg_wait_s']:,.0f} s  "
            f"sim {s['sim_wall_s']:.1f} s  command {s['command_wall_s']:.1f} s"
        )
    if "fgd" in frag and "best-fit" in frag:
        verdict = "met" if frag["fgd"] <= frag["best-fit"] else "MISSED"
        print(f"fgd fragmentation <= best-fit's: {verdict}")


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["--write"]:
        files = write(Path(args[1]))
        print("wrote", ", ".join(str(p) for p in files.values()))
        return
    policies = args or ["fgd", "best-fit", "first-fit"]
    print(f"load average {os.getloadavg()[0]:.1f}; {NODES:,} nodes, {PODS:,} pods, seed {SEED}")
    with tempfile.TemporaryDirectory(prefix="aisc-bench-openb-") as folder:
        files = write(Path(folder))
        for model in ("untimed", "timed"):
            report(model, files["nodes"], files[model], policies)
    nodes, pods = find(f"openb/{NODE_LIST}"), find(f"openb/{POD_LIST}")
    if nodes is not None and pods is not None:
        report("OpenB as published", nodes, pods, policies)
    else:
        print(
            f"-- OpenB as published: skipped ({TRACE_ENV} does not hold "
            f"openb/{NODE_LIST} and openb/{POD_LIST}; docs/traces.md)"
        )


if __name__ == "__main__":
    main()
