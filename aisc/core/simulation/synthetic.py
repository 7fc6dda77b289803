"""Seeded synthetic workloads: Poisson arrivals, Philly-like gang sizes and run times.

Philly-like means the marginals of the Philly digest (../shared/traces/sia/README.md, 82,247
jobs): gang sizes 1: 76,627, 2: 1,818, 4: 1,870, 8: 1,643, 16: 199, 32: 67, 64: 6, 128: 3 jobs;
run time log-normal with the digest's median 1,144 s and mean 13,136 s, so mu = ln 1144 and
sigma^2 = 2 ln(13136 / 1144), cut at the digest's longest job, 4,628,226 s.
"""

from __future__ import annotations

import math

import numpy as np

from aisc.core.errors import RuleViolation
from aisc.core.simulation.traces.base import Trace, TraceBuilder

PHILLY_SIZES = np.array([1, 2, 4, 8, 16, 32, 64, 128])
PHILLY_SIZE_COUNTS = np.array([76_627, 1_818, 1_870, 1_643, 199, 67, 6, 3], dtype=np.float64)
PHILLY_MEDIAN_S, PHILLY_MEAN_S, PHILLY_MAX_S = 1_144.0, 13_136.0, 4_628_226.0


def philly_like(n: int, *, gpus: int, load: float, seed: int, projects: int = 8) -> Trace:
    """`n` jobs whose offered load on a `gpus`-GPU cluster is `load` (GPU-seconds / capacity)."""
    _check(n, load)
    rng = np.random.default_rng(seed)
    allowed = gpus >= PHILLY_SIZES
    weights = PHILLY_SIZE_COUNTS[allowed] / PHILLY_SIZE_COUNTS[allowed].sum()
    sizes = rng.choice(PHILLY_SIZES[allowed], size=n, p=weights)
    sigma = math.sqrt(2 * math.log(PHILLY_MEAN_S / PHILLY_MEDIAN_S))
    work = np.minimum(rng.lognormal(math.log(PHILLY_MEDIAN_S), sigma, size=n), PHILLY_MAX_S)
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
        raise RuleViolation(f"a synthetic trace needs at least 1 job, got {n}", field="synthetic")
    if not 0 < load <= 10:
        raise RuleViolation(f"load {load} must be in (0, 10]", field="load")


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
