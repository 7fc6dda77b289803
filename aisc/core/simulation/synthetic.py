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


GAVEL_BLOCK = 1000  # jobs drawn per block (see gavel_continuous)


def gavel_continuous(
    n: int, *, jobs_per_hour: float, matrix: dict[str, dict[tuple[str, int], float]], seed: int
) -> Trace:
    """Gavel's continuous multi-GPU workload (OSDI'20 §7; its `generate_job`), re-drawn here:
    Poisson arrivals; gang 1 (70 %), 2 (10 %), 4 (15 %), 8 (5 %); run time on a V100
    60 x 10^U(1.5, 3) s, or 60 x 10^U(3, 4) s with probability 0.2; a job type drawn uniformly
    among those measured at that gang size (1 GPU if none is); work = run time x its V100
    throughput, in steps.
    """
    _check(n, 1.0)
    rng = np.random.default_rng(seed)
    reference = matrix["v100"]
    types = sorted({job_type for job_type, _ in reference})
    # Drawn in blocks of a fixed size, so the first k jobs are the same whatever n is: a longer
    # run only adds later arrivals (results on a window do not depend on the horizon drawn).
    blocks = [rng.uniform(0, 1, size=(5, GAVEL_BLOCK)) for _ in range(-(-n // GAVEL_BLOCK))]
    r, long_u, short_u, gap_u, type_u = np.concatenate(blocks, axis=1)[:, :n]
    sizes = np.select([r >= 0.95, r >= 0.8, r >= 0.7], [8, 4, 2], default=1)
    exponent = np.where(long_u >= 0.8, 3 + short_u, 1.5 + 1.5 * short_u)
    run_time = 60 * 10**exponent
    submit = np.cumsum(-np.log1p(-gap_u) * 3600.0 / jobs_per_hour)  # exponential gaps
    builder = TraceBuilder(f"gavel-continuous n={n} rate={jobs_per_hour}/h seed={seed}")
    for i in range(n):
        scale = int(sizes[i])
        allowed = [t for t in types if (t, scale) in reference]
        if not allowed:  # a gang size the matrix never measured runs as one GPU
            scale, allowed = 1, [t for t in types if (t, 1) in reference]
        job_type = allowed[int(type_u[i] * len(allowed))]
        speeds = {w: t[(job_type, scale)] for w, t in matrix.items() if (job_type, scale) in t}
        work = float(run_time[i]) * reference[(job_type, scale)]
        builder.add(
            i + 1, float(submit[i]), scale, work, project=job_type.split(" (")[0], speeds=speeds
        )
    return builder.build()
