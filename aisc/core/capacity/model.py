"""The rows of a capacity scenario as data: inventory, maintenance, job shapes, the streams of
work (awards, applications, history), synthetic mixes and the project size classes. Read and
checked by aisc.core.capacity.scenario."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

SIZES = ("small", "medium", "large")
# Policies that can give a queued job back, so an award's window can close on its queue.
PLAN_POLICIES = ("backfill", "multifactor", "fifo")
MAX_MONTHS = 120


@dataclass(frozen=True)
class Inventory:
    """`nodes` nodes of `gpus_per_node` GPUs of one chip in [start, until); until None = on."""

    chip: str
    nodes: int
    gpus_per_node: int
    start: dt.datetime
    until: dt.datetime | None = None
    partition: str = "gpu"
    reserved_for: str | None = None


@dataclass(frozen=True)
class Maintenance:
    """`nodes` nodes of a chip out of service over [start, until); None = all of that chip."""

    chip: str
    start: dt.datetime
    until: dt.datetime
    nodes: int | None = None


@dataclass(frozen=True)
class Shape:
    """Job shape: run time log-normal (median, sigma) cut at max_h; gang = gang_nodes nodes."""

    median_h: float = 24.0
    sigma: float = 1.0
    max_h: float = 168.0
    gang_nodes: int = 0  # 0: the project's whole allocation is one gang
    trace: str = ""  # run times from this public trace's jobs of the project's size instead


@dataclass(frozen=True)
class Stream:
    """Work one project offers: `gpu_hours` on `chip` over [start, end) in gangs of `nodes`.

    Awards (probability 1), applications under review (their award probability) and the
    history of a past month (replayed, its jobs ending within the month) are all streams.
    """

    project: str
    chip: str
    gpu_hours: float
    nodes: int
    start: dt.datetime
    end: dt.datetime
    probability: float = 1.0
    history: bool = False
    gang_gpus: int = 0  # a gang of this many GPUs instead of `nodes` whole nodes
    shape: Shape | None = None  # its own job shape (e.g. its metered jobs'), else [shape]


@dataclass(frozen=True)
class Mix:
    """Synthetic projects: nodes (a range) x months each, `count` at `start`, or `per_month`."""

    name: str
    chip: str
    nodes: tuple[int, int]
    months: int
    start: dt.datetime
    count: int | None = None
    per_month: float = 0.0
    use: float = 1.0
    shape: Shape | None = None


@dataclass(frozen=True)
class SizeClass:
    """A project of this size for `fits`: nodes x months; a project is of the first size whose
    `max_nodes` holds it."""

    nodes: int
    months: int
    max_nodes: int


# The figures: the largest models ~10 nodes for a year, small and medium 2-3 nodes.
DEFAULT_SIZES: Mapping[str, SizeClass] = {
    "small": SizeClass(2, 3, 2),
    "medium": SizeClass(3, 6, 4),
    "large": SizeClass(10, 12, 1_000_000),
}
