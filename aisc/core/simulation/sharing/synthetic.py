"""Seeded OpenB-shaped node and pod lists, for tests and the benchmark (no real trace needed).

**Nodes**: the node shapes (CPU, memory, GPUs, model) of the public OpenB GPU node list
(`cluster-trace-gpu-v2023/csv/openb_node_list_gpu_node.csv`, 1,213 nodes, in
github.com/alibaba/clusterdata), in the proportions counted on its first 457 lines
(openb-node-0000 to -0456, which were all we read; the A10 nodes of the full list do not appear
there, so this mix has none), scaled to the asked count by largest remainder.

**Pods** (our choice, not the trace's mix): 10 % CPU-only, 40 % sharing one GPU (100-900
milli-GPU), 38 % one whole GPU, 5 % two, 4 % four, 3 % eight; 33 % of the pods of 1-2 GPUs
accept only one GPU family (so every pod fits some node), as about 33 % of the GPU tasks in the
production cluster do (the trace's README and Weng et al. §6.5); 2-8 CPU cores and 8-32 GiB of
memory per GPU (half of that for CPU-only and sharing pods). With `timed`, Poisson arrivals at the
rate that offers `load` x the cluster's GPUs, log-normal run times (median 30 min, cut at 2
days); without, no times (the loader's "one pod a second, never leaving" model).
"""

from __future__ import annotations

import math

import numpy as np

from aisc.core.errors import RuleViolation
from aisc.core.simulation.sharing.openb import NODE_COLUMNS, POD_COLUMNS

# (cpu_milli, memory_mib, gpus, model): count among the first 457 lines of the public list
OPENB_NODE_SHAPES: tuple[tuple[int, int, int, str, int], ...] = (
    (96_000, 393_216, 8, "G2", 215),
    (104_000, 524_288, 2, "T4", 115),
    (16_000, 122_880, 2, "P100", 41),
    (64_000, 262_144, 2, "P100", 22),
    (128_000, 786_432, 8, "G3", 21),
    (32_000, 131_072, 4, "V100M16", 13),
    (96_000, 786_432, 8, "V100M32", 10),
    (96_000, 393_216, 4, "T4", 7),
    (8_000, 32_768, 1, "V100M16", 4),
    (64_000, 262_144, 8, "V100M16", 4),
    (48_000, 376_832, 4, "V100M32", 3),
    (8_000, 61_440, 1, "P100", 2),
)
FAMILIES = ("G2", "T4", "P100", "G3", "V100M16|V100M32")
GPU_COUNTS = (0, 1, 1, 2, 4, 8)
GPU_COUNT_SHARES = (0.10, 0.40, 0.38, 0.05, 0.04, 0.03)  # CPU-only, sharing, whole 1, 2, 4, 8
MEDIAN_RUN_S, MAX_RUN_S = 1800.0, 2 * 86_400.0


def node_lines(count: int) -> list[str]:
    """`count` GPU nodes in the OpenB shape mix, as the lines of a node list."""
    if count < 1:
        raise RuleViolation("a node list needs at least 1 node", field="nodes")
    seen = sum(shape[4] for shape in OPENB_NODE_SHAPES)
    exact = [count * shape[4] / seen for shape in OPENB_NODE_SHAPES]
    counts = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: counts[i] - exact[i])
    for i in by_remainder[: count - sum(counts)]:
        counts[i] += 1
    lines = [",".join(NODE_COLUMNS)]
    for (cpu, mem, gpus, model, _), n in zip(OPENB_NODE_SHAPES, counts, strict=True):
        lines += [f"node-{len(lines) - 1:05d},{cpu},{mem},{gpus},{model}" for _ in range(n)]
    return lines


def pod_lines(
    count: int,
    *,
    seed: int,
    gpus: int = 0,
    load: float = 1.0,
    timed: bool = True,
    shares: tuple[float, ...] = GPU_COUNT_SHARES,
    typed_share: float = 0.33,
) -> list[str]:
    """`count` pods; with `timed`, arrivals offer `load` x `gpus` GPUs of demand.

    `shares` (CPU-only, sharing, 1, 2, 4, 8 GPUs) and `typed_share` (of the 1-2 GPU pods) shape
    another mix; the defaults are the one described above."""
    if count < 1:
        raise RuleViolation("a pod list needs at least 1 pod", field="synthetic")
    if len(shares) != len(GPU_COUNTS) or not math.isclose(sum(shares), 1.0):
        raise RuleViolation("a pod mix needs 6 shares that sum to 1", field="shares")
    if not 0 <= typed_share <= 1:
        raise RuleViolation("the typed share must be in [0, 1]", field="typed_share")
    if timed and not (gpus > 0 and 0 < load <= 10):
        raise RuleViolation(
            "timed pods need the cluster's GPUs and a load in (0, 10]", field="load"
        )
    rng = np.random.default_rng(seed)
    kind = rng.choice(len(GPU_COUNTS), size=count, p=shares)
    num_gpu = np.array(GPU_COUNTS)[kind]
    milli = np.where(kind == 1, rng.integers(1, 10, size=count) * 100, 1000)
    per_gpu_units = np.maximum(num_gpu, 1) * np.where(kind <= 1, 0.5, 1.0)
    cpu = (rng.integers(2, 9, size=count) * per_gpu_units).astype(np.int64) * 1000
    mem = (rng.integers(8, 33, size=count) * per_gpu_units).astype(np.int64) * 1024
    # a typed multi-GPU pod could find no node of a small family: only 1-2 GPU pods are typed
    typed = (num_gpu > 0) & (num_gpu <= 2) & (rng.random(count) < typed_share)
    family = rng.integers(0, len(FAMILIES), size=count)
    sigma = 1.5
    run = np.minimum(rng.lognormal(math.log(MEDIAN_RUN_S), sigma, size=count), MAX_RUN_S).round()
    run = np.maximum(run, 1.0)
    demand = np.where(num_gpu == 1, milli / 1000, num_gpu)
    lines = [",".join(POD_COLUMNS)]
    start = np.zeros(count)
    if timed:
        rate = load * gpus / float(np.mean(demand * run))
        start = np.cumsum(rng.exponential(1.0 / rate, size=count)).round()
    for i in range(count):
        spec = FAMILIES[family[i]] if typed[i] else ""
        times = ",,"
        if timed:
            created = int(start[i])
            times = f"{created},{created + int(run[i])},{created}"
        lines.append(
            f"pod-{i:05d},{cpu[i]},{mem[i]},{num_gpu[i]},{milli[i] if num_gpu[i] else 0},"
            f"{spec},LS,Succeeded,{times}"
        )
    return lines
