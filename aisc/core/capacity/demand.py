"""A scenario's demand drawn as jobs, for one seed: the pipeline, the history, the mixes.

Every project's work becomes gangs of `gang_nodes x GPUs per node` GPUs with log-normal run
times (median, sigma) cut at the shape's maximum, drawn until they add up to its GPU-hours (the
last job trimmed, so the total is exact). Arrivals are uniform over the project's window and a
job is placed so that it could end inside it: a Poisson process conditioned on its count.
A history month's jobs thus all arrive in their month (a queue may still push their run into
the next). Metered jobs (`[[replay]]`) are not drawn: each is one job per month it ran in, at
its own start time, started on arrival (aisc.core.capacity.replay). Randomness comes only from
the Generator passed in.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from aisc.core.capacity.replay import pieces
from aisc.core.capacity.scenario import SIZES, Mix, Scenario, Shape, Stream

HOUR = 3600.0
MONTH_S = 365.25 / 12 * 86_400.0


@dataclass(frozen=True)
class Project:
    name: str
    chip: str
    nodes: int
    size: str
    start_s: float
    end_s: float  # its award ends here: queued work left then is undeliverable


@dataclass
class Demand:
    """Jobs sorted by submit time (seconds from the horizon's start) and their projects."""

    projects: list[Project]
    submit: np.ndarray
    gpus: np.ndarray
    work: np.ndarray  # seconds of run time (every chip runs its own jobs at speed 1)
    project: np.ndarray  # index into projects
    at_once: np.ndarray  # replayed jobs: they start on arrival (they ran as metered)

    def __len__(self) -> int:
        return len(self.submit)


class _Builder:
    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.horizon_s = self.seconds(scenario.end)
        self.projects: list[Project] = []
        self.parts: list[tuple[np.ndarray, ...]] = []
        self.pools: dict[tuple[str, str, int], np.ndarray] = {}

    def seconds(self, moment: dt.datetime) -> float:
        return (moment - self.scenario.start).total_seconds()

    def add(
        self,
        rng: np.random.Generator,
        project: Project,
        gpu_hours: float,
        shape: Shape,
        gang_gpus: int = 0,
    ) -> None:
        gpn = self.scenario.gpus_per_node(project.chip)
        nodes = min(shape.gang_nodes, project.nodes) if shape.gang_nodes else project.nodes
        gang = gang_gpus or nodes * gpn
        index = len(self.projects)
        self.projects.append(project)
        window = project.end_s - project.start_s
        cap_h = min(shape.max_h, window / HOUR)
        hours = _run_hours(rng, gpu_hours / gang, shape, cap_h, self.pool(shape, project))
        if not len(hours):
            return
        room = np.maximum(window - hours * HOUR, 0.0)
        submit = project.start_s + rng.random(len(hours)) * room
        n = len(hours)
        self.parts.append(
            (submit, np.full(n, gang, np.int64), hours * HOUR, np.full(n, index), np.zeros(n, bool))
        )

    def pool(self, shape: Shape, project: Project) -> np.ndarray | None:
        """The trace's run times for the project's size, when its shape names a trace."""
        if not shape.trace:
            return None
        scenario = self.scenario
        key = (shape.trace, project.size, scenario.gpus_per_node(project.chip))
        if key not in self.pools:
            classes = scenario.size_classes()
            self.pools[key] = scenario.traces[shape.trace].pool(
                SIZES.index(project.size), key[2], [classes[s].max_nodes for s in SIZES]
            )
        return self.pools[key]

    def replay(self) -> None:
        """Every metered job of the scenario, one job per month it ran in; one project per
        (project, chip), never expiring inside the horizon."""
        scenario = self.scenario
        edges = [self.seconds(m) for m in scenario.month_starts()]
        projects: dict[tuple[str, str], int] = {}
        columns: list[tuple[float, int, float, int]] = []
        for job in scenario.replays:
            key = (job.project, job.chip)
            if key not in projects:
                projects[key] = len(self.projects)
                nodes = -(-job.gpus // scenario.gpus_per_node(job.chip))
                size = scenario.size_of(nodes)
                self.projects.append(Project(*key, nodes, size, 0.0, self.horizon_s))
            start = self.seconds(job.start)
            for a, b in pieces(start, start + job.hours * HOUR, edges):
                columns.append((a, job.gpus, b - a, projects[key]))
        if columns:
            submit, gpus, work, project = (np.array(c) for c in zip(*columns, strict=True))
            n = len(columns)
            self.parts.append((submit, gpus.astype(np.int64), work, project, np.ones(n, bool)))

    def build(self) -> Demand:
        if not self.parts:
            empty = np.zeros(0)
            return Demand(
                self.projects, empty, empty.astype(np.int64), empty, empty.astype(int), empty > 0
            )
        columns = [np.concatenate(c) for c in zip(*self.parts, strict=True)]
        order = np.argsort(columns[0], kind="stable")
        return Demand(self.projects, *(c[order] for c in columns))


def _run_hours(
    rng: np.random.Generator,
    total_h: float,
    shape: Shape,
    cap_h: float,
    pool: np.ndarray | None = None,
) -> np.ndarray:
    """Run times (hours) of one gang that add up to `total_h` exactly, each at most `cap_h`:
    log-normal, or resampled from `pool` (a trace's run times for the project's size)."""
    if total_h <= 0.0:
        return np.zeros(0)
    sample: Callable[[int], np.ndarray]
    if pool is None:
        median = min(shape.median_h, cap_h)
        mean = min(median * math.exp(shape.sigma**2 / 2.0), cap_h)

        def sample(n: int) -> np.ndarray:
            return np.minimum(rng.lognormal(math.log(median), shape.sigma, n), cap_h)
    else:
        capped = np.minimum(pool, cap_h)
        mean = float(capped.mean())

        def sample(n: int) -> np.ndarray:
            return rng.choice(capped, n)

    drawn: list[np.ndarray] = []
    so_far = 0.0
    while so_far < total_h:
        hours = sample(int((total_h - so_far) / mean) + 8)
        drawn.append(hours)
        so_far += float(hours.sum())
    hours = np.concatenate(drawn)
    upto = np.cumsum(hours)
    n = int(np.searchsorted(upto, total_h)) + 1  # the first n reach the total
    hours = hours[:n].copy()
    hours[-1] -= float(upto[n - 1]) - total_h
    return hours[hours > 0.0]


def draw_demand(scenario: Scenario, rng: np.random.Generator) -> Demand:
    builder = _Builder(scenario)
    for stream in scenario.streams:
        _add_stream(builder, rng, stream)
    for mix in scenario.mixes:
        _add_mix(builder, rng, mix)
    builder.replay()
    return builder.build()


def _add_stream(builder: _Builder, rng: np.random.Generator, stream: Stream) -> None:
    if stream.probability < 1.0 and rng.random() >= stream.probability:
        return
    start, end = builder.seconds(stream.start), builder.seconds(stream.end)
    # An award under way: its remaining hours spread from the horizon's start to its end;
    # one running past the horizon offers the horizon only its share of them.
    begin, stop = max(start, 0.0), min(end, builder.horizon_s)
    share = (stop - begin) / (end - begin)
    scenario = builder.scenario
    project = Project(
        stream.project, stream.chip, stream.nodes, scenario.size_of(stream.nodes), begin, end
    )
    shape = stream.shape or scenario.shape
    if stream.history:  # a past month's jobs are replayed in their own gangs, not whole nodes
        shape = Shape(shape.median_h, shape.sigma, shape.max_h, 0, shape.trace)
    clipped = Project(project.name, project.chip, project.nodes, project.size, begin, stop)
    builder.add(rng, clipped, stream.gpu_hours * share, shape, stream.gang_gpus)
    builder.projects[-1] = project


def _add_mix(builder: _Builder, rng: np.random.Generator, mix: Mix) -> None:
    scenario = builder.scenario
    start, horizon = builder.seconds(mix.start), builder.horizon_s
    arrivals = [start] * (mix.count or 0) if mix.per_month == 0.0 else []
    month = start
    while mix.per_month > 0.0 and month < horizon:
        for _ in range(int(rng.poisson(mix.per_month))):
            arrivals.append(month + rng.random() * min(MONTH_S, horizon - month))
        month += MONTH_S
    if mix.count is not None:
        arrivals = sorted(arrivals)[: mix.count]
    gpn = scenario.gpus_per_node(mix.chip)
    shape = mix.shape or scenario.shape
    for k, begin in enumerate(arrivals):
        nodes = int(rng.integers(mix.nodes[0], mix.nodes[1] + 1))
        end = begin + mix.months * MONTH_S
        stop = min(end, horizon)
        project = Project(
            f"{mix.name}-{k + 1}", mix.chip, nodes, scenario.size_of(nodes), begin, end
        )
        clipped = Project(project.name, mix.chip, nodes, project.size, begin, stop)
        builder.add(rng, clipped, nodes * gpn * mix.use * (stop - begin) / HOUR, shape)
        builder.projects[-1] = project
