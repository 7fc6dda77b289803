"""Seeded synthetic workloads: Poisson arrivals, Philly-like gang sizes and run times.

Philly-like means the marginals of the Philly digest (docs/traces.md, 82,247
jobs): gang sizes 1: 76,627, 2: 1,818, 4: 1,870, 8: 1,643, 16: 199, 32: 67, 64: 6, 128: 3 jobs;
run time log-normal with the digest's median 1,144 s and mean 13,136 s, so mu = ln 1144 and
sigma^2 = 2 ln(13136 / 1144), cut at a maximum wall time, 7 days by default (a common Slurm
MaxTime). The cut matters: half the digest's GPU-time is in jobs longer than about 2 days, so
with the digest's own longest job (53.6 days) as the cut, a run needed months of arrivals before
the cluster reached the asked load, and the drain after the last arrival set the makespan
(utilisation below 0.1 on 4,096 GPUs). At 7 days the cut shortens 0.3 % of the digest's jobs and
13 % of its GPU-time. The arrival rate is set from the drawn (cut) jobs, so the offered load
(GPU-seconds / (GPUs x arrival span)) is the one asked; the cluster reaches it once the arrival
span is long against the cut (`summary["steady_utilization"]` measures it).
"""

from __future__ import annotations

import math
import random

import numpy as np

from aisc.core.errors import RuleViolation
from aisc.core.simulation.traces.base import Trace, TraceBuilder

PHILLY_SIZES = np.array([1, 2, 4, 8, 16, 32, 64, 128])
PHILLY_SIZE_COUNTS = np.array([76_627, 1_818, 1_870, 1_643, 199, 67, 6, 3], dtype=np.float64)
PHILLY_MEDIAN_S, PHILLY_MEAN_S = 1_144.0, 13_136.0
MAX_RUN_S = 7 * 86_400.0


def philly_like(
    n: int,
    *,
    gpus: int,
    load: float,
    seed: int,
    projects: int = 8,
    max_run_s: float = MAX_RUN_S,
) -> Trace:
    """`n` jobs whose offered load on a `gpus`-GPU cluster is `load` (GPU-seconds / capacity)."""
    _check(n, load)
    if not max_run_s >= 1:
        raise RuleViolation(
            "max_run_s %(max_run_s)s must be at least 1 s",
            field="max_run_s",
            params={"max_run_s": max_run_s},
        )
    rng = np.random.default_rng(seed)
    allowed = gpus >= PHILLY_SIZES
    weights = PHILLY_SIZE_COUNTS[allowed] / PHILLY_SIZE_COUNTS[allowed].sum()
    sizes = rng.choice(PHILLY_SIZES[allowed], size=n, p=weights)
    sigma = math.sqrt(2 * math.log(PHILLY_MEAN_S / PHILLY_MEDIAN_S))
    work = np.minimum(rng.lognormal(math.log(PHILLY_MEDIAN_S), sigma, size=n), max_run_s)
    work = np.maximum(np.round(work), 1.0)
    rate = load * gpus / float(np.mean(sizes * work))  # jobs per second for the target load
    submit = np.cumsum(rng.exponential(1.0 / rate, size=n))
    project = rng.integers(0, projects, size=n)
    return _trace(f"philly-like n={n} load={load} seed={seed}", submit, sizes, work, project)


def poisson_exponential(n: int, *, rate: float, mean_s: float, seed: int) -> Trace:
    """M/M/c input: Poisson arrivals at `rate` per second, exponential 1-GPU jobs."""
    _check(n, 1.0)
    rng = np.random.default_rng(seed)
    submit = np.cumsum(rng.exponential(1.0 / rate, size=n))
    work = rng.exponential(mean_s, size=n)
    return _trace(f"M/M/c n={n} seed={seed}", submit, np.ones(n, dtype=np.int64), work, np.zeros(n))


def _check(n: int, load: float) -> None:
    if n < 1:
        raise RuleViolation(
            "a synthetic trace needs at least 1 job, got %(n)s", field="synthetic", params={"n": n}
        )
    if not 0 < load <= 10:
        raise RuleViolation("load %(load)s must be in (0, 10]", field="load", params={"load": load})


def _trace(
    source: str, submit: np.ndarray, gpus: np.ndarray, work: np.ndarray, project: np.ndarray
) -> Trace:
    builder = TraceBuilder(source)
    names = [f"p{i}" for i in range(int(project.max()) + 1)]
    for i, (s, g, w, p) in enumerate(
        zip(submit.tolist(), gpus.tolist(), work.tolist(), project.tolist(), strict=True)
    ):
        builder.add(i + 1, s, int(g), w, project=names[int(p)])
    return builder.build()


# Gavel's JobTable (scheduler/job_table.py), in its order: `rng.choice(JobTable)` draws by index,
# so the order decides which job a seed draws. The first 19 are its distributed templates.
GAVEL_JOB_TABLE = tuple(
    [f"ResNet-18 (batch size {b})" for b in (16, 32, 64, 128, 256)]
    + [f"ResNet-50 (batch size {b})" for b in (16, 32, 64, 128)]
    + [f"Transformer (batch size {b})" for b in (16, 32, 64, 128, 256)]
    + [f"LM (batch size {b})" for b in (5, 10, 20, 40, 80)]
    + [f"Recommendation (batch size {b})" for b in (512, 1024, 2048, 4096, 8192)]
    + ["A3C", "CycleGAN"]
)


def gavel_continuous(
    n: int, *, jobs_per_hour: float, matrix: dict[str, dict[tuple[str, int], float]], seed: int
) -> Trace:
    """Gavel's continuous multi-GPU workload, drawn as its simulator draws it (scheduler.py
    `simulate` with `utils.generate_job`, generate_multi_gpu_jobs): the same Python generators,
    seeded as Gavel seeds them (jobs `random.Random(seed + 2)`, gaps `random.Random(seed + 3)`),
    drawn in the same order, so seed s gives Gavel's seed-s workload. Per job: gang 1 / 2 / 4 /
    8 for u in [0, 0.7) / [0.7, 0.8] / (0.8, 0.95] / (0.95, 1); V100 run time 60 x 10^U(3, 4) s
    if a second draw is >= 0.8, else 60 x 10^U(1.5, 3) s; a template drawn from the JobTable
    until one runs at that gang size; steps = run time x its V100 throughput. The first job
    arrives at 0, each next one an exponential gap later (mean 3600 / rate s). Each job's draws
    follow the previous job's, so the first k jobs are the same however many are generated.

    Templates the matrix does not hold are skipped (Gavel's own matrix holds all 26), and any
    other types it holds follow in name order; a gang size no template was measured at runs
    at the smallest size the matrix measured (one GPU).
    """
    _check(n, 1.0)
    reference = matrix["v100"]
    measured = {job_type for job_type, _ in reference}
    table = [t for t in GAVEL_JOB_TABLE if t in measured]
    table += sorted(measured - set(table))
    smallest = min(scale for _, scale in reference)
    # Not for secrets: Python's generator because Gavel's draws come from it.
    jobs, gaps = random.Random(seed + 2), random.Random(seed + 3)  # noqa: S311
    mean_gap_s = 3600.0 / jobs_per_hour
    builder = TraceBuilder(f"gavel-continuous n={n} rate={jobs_per_hour}/h seed={seed}")
    submit = 0.0
    for i in range(n):
        u = jobs.uniform(0, 1)
        scale = 2 if 0.7 <= u <= 0.8 else 4 if 0.8 <= u <= 0.95 else 8 if u >= 0.95 else 1
        if jobs.random() >= 0.8:
            run_time = 60 * 10 ** jobs.uniform(3, 4)
        else:
            run_time = 60 * 10 ** jobs.uniform(1.5, 3)
        if not any((t, scale) in reference for t in table):
            scale = smallest
        job_type = jobs.choice(table)
        while (job_type, scale) not in reference:
            job_type = jobs.choice(table)
        speeds = {w: t[(job_type, scale)] for w, t in matrix.items() if (job_type, scale) in t}
        work = run_time * reference[(job_type, scale)]
        builder.add(i + 1, submit, scale, work, project=job_type.split(" (")[0], speeds=speeds)
        submit += -math.log(1.0 - gaps.random()) * mean_gap_s
    return builder.build()
