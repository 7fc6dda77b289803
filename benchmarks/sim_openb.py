"""GPU sharing on an OpenB-shaped cluster: fgd, best-fit and first-fit on the same pods.

Acceptance (issue 19): `aisc sim run --trace-format openb --nodes NODES.csv --trace PODS.csv
--policy fgd|best-fit|first-fit --json` runs on 1,213 GPU nodes and 8,000 pods, and fgd's
fragmentation is no higher than best-fit's on the same arrivals.

The lists are generated (aisc.core.simulation.sharing.synthetic: the public node list's shapes,
our pod mix), seed 0, under two arrival models: `untimed` (one pod a second, none leaves: the
cluster fills, Weng et al.'s workload inflation) and `timed` (Poisson arrivals offering 1.2 x the
cluster's GPUs, log-normal run times). Each run is the CLI command itself, in a subprocess.

The real OpenB lists are not in this repository. Where the public trace data (AISC_TRACE_DIR,
docs/traces.md) holds `openb/openb_node_list_gpu_node.csv` (github.com/alibaba/clusterdata,
cluster-trace-gpu-v2023/csv), every generated pod list also runs on it; where it holds
`openb/openb_pod_list_default.csv` too, the published pods run on the published nodes. Without
them those parts say they were skipped.

Usage: .venv/bin/python benchmarks/sim_openb.py [--seeds 0-4] [--mix default|sharing]
                                                [--digest] [--write DIR] [POLICY ...]
--seeds: the pod lists' seeds (`0-4`, `0,3`; default 0), each run on its own lists.
--mix sharing: a second pod mix, more GPU sharing and more typed pods (MIXES below).
--digest: runs in this process instead and prints a SHA-256 of each policy's placements (pod,
node, GPUs), to check that a faster placement code places every pod where it did.
--write DIR only writes nodes.csv, pods-untimed.csv and pods-timed.csv there (first seed).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from public_traces import TRACE_ENV, find

from aisc.core.simulation.sharing.engine import simulate_sharing
from aisc.core.simulation.sharing.openb import load_nodes, load_pods
from aisc.core.simulation.sharing.synthetic import GPU_COUNT_SHARES, node_lines, pod_lines

NODES, PODS, LOAD = 1213, 8000, 1.2
# pod mixes: (shares of CPU-only, sharing, 1, 2, 4, 8 GPU pods), share of 1-2 GPU pods typed
MIXES: dict[str, tuple[tuple[float, ...], float]] = {
    "default": (GPU_COUNT_SHARES, 0.33),
    "sharing": ((0.05, 0.60, 0.25, 0.04, 0.03, 0.03), 0.50),
}
NODE_LIST, POD_LIST = "openb_node_list_gpu_node.csv", "openb_pod_list_default.csv"
AISC = str(Path(sys.executable).with_name("aisc"))


def seeds_of(text: str) -> list[int]:
    seeds: list[int] = []
    for part in text.split(","):
        low, _, high = part.partition("-")
        seeds += range(int(low), int(high or low) + 1)
    return seeds


def write(folder: Path, seed: int = 0, mix: str = "default") -> dict[str, Path]:
    shares, typed = MIXES[mix]
    folder.mkdir(parents=True, exist_ok=True)
    nodes = node_lines(NODES)
    gpus = sum(int(line.split(",")[3]) for line in nodes[1:])
    files = {
        "nodes": folder / "nodes.csv",
        "untimed": folder / "pods-untimed.csv",
        "timed": folder / "pods-timed.csv",
    }
    files["nodes"].write_text("\n".join(nodes) + "\n", encoding="utf-8")
    untimed = pod_lines(PODS, seed=seed, timed=False, shares=shares, typed_share=typed)
    files["untimed"].write_text("\n".join(untimed) + "\n", encoding="utf-8")
    timed = pod_lines(PODS, seed=seed, gpus=gpus, load=LOAD, shares=shares, typed_share=typed)
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


def digest(nodes: Path, pods: Path, policies: list[str]) -> None:
    node_list = load_nodes(nodes.read_text(encoding="utf-8").splitlines(), str(nodes))
    pod_list = load_pods(pods.read_text(encoding="utf-8").splitlines(), str(pods))
    for policy in policies:
        began, cpu = time.perf_counter(), time.process_time()
        result = simulate_sharing(node_list, pod_list, policy)
        placed = sorted((pod, node, slots) for pod, (node, slots) in result.placements.items())
        sha = hashlib.sha256(repr(placed).encode()).hexdigest()[:16]
        print(
            f"{pods.name:<17} {policy:<10} placements sha256 {sha}  "
            f"fragmentation {result.summary['fragmentation']:.4f}  "
            f"sim {time.perf_counter() - began:.1f} s (CPU {time.process_time() - cpu:.1f} s)"
        )


def report(label: str, nodes: Path, pods: Path, policies: list[str]) -> str | None:
    print(f"-- {label}: {pods.name}", flush=True)
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
            f"sim {s['sim_wall_s']:.1f} s  command {s['command_wall_s']:.1f} s",
            flush=True,
        )
    if "fgd" not in frag or "best-fit" not in frag:
        return None
    verdict = "met" if frag["fgd"] <= frag["best-fit"] else "MISSED"
    print(f"fgd fragmentation <= best-fit's: {verdict}", flush=True)
    return f"{label}: fgd {frag['fgd']:.4f} best-fit {frag['best-fit']:.4f} {verdict}"


def option(args: list[str], name: str, default: str) -> str:
    if name not in args:
        return default
    at = args.index(name)
    value = args[at + 1]
    del args[at : at + 2]
    return value


def main() -> None:
    args = sys.argv[1:]
    if args[:1] in (["-h"], ["--help"]):
        print(__doc__)
        return
    seeds = seeds_of(option(args, "--seeds", "0"))
    mix = option(args, "--mix", "default")
    as_digest = "--digest" in args
    args = [a for a in args if a != "--digest"]
    if args[:1] == ["--write"]:
        files = write(Path(args[1]), seeds[0], mix)
        print("wrote", ", ".join(str(p) for p in files.values()))
        return
    policies = args or ["fgd", "best-fit", "first-fit"]
    print(
        f"load average {os.getloadavg()[0]:.1f}; {NODES:,} nodes, {PODS:,} pods, "
        f"mix {mix}, seeds {seeds}",
        flush=True,
    )
    nodes, pods = find(f"openb/{NODE_LIST}"), find(f"openb/{POD_LIST}")
    # The generated pods also run on the published node list where it is present: the
    # acceptance names the real 1,213 nodes, and the public pod list may be absent.
    node_lists: list[tuple[str, Path | None]] = [("", None)]
    node_lists += [(" on the published node list", nodes)] if nodes else []
    verdicts = []
    for seed in seeds:
        with tempfile.TemporaryDirectory(prefix="aisc-bench-openb-") as folder:
            files = write(Path(folder), seed, mix)
            for where, published in node_lists:
                on = published or files["nodes"]
                for model in ("untimed", "timed"):
                    if as_digest:
                        digest(on, files[model], policies)
                        continue
                    verdict = report(f"seed {seed} {model}{where}", on, files[model], policies)
                    verdicts += [verdict] if verdict else []
    for verdict in verdicts:
        print(verdict)
    if as_digest:
        return
    if nodes is None:
        print(f"-- the published node list: skipped ({TRACE_ENV} does not hold openb/{NODE_LIST})")
    if nodes is not None and pods is not None:
        report("OpenB as published", nodes, pods, policies)
    else:
        print(
            f"-- OpenB as published: skipped ({TRACE_ENV} does not hold "
            f"openb/{NODE_LIST} and openb/{POD_LIST}; docs/traces.md)"
        )


if __name__ == "__main__":
    main()
