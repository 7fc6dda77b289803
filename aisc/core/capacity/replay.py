"""Metered jobs replayed as they ran: a `[[replay]]` row is one past job on one chip.

A replayed job is history, not demand that queues: it starts at its own start time, ahead of
the queue (`Simulator.submit(at_once=True)`), and runs its metered hours. It is cut into one
piece per month it runs in (a piece ends at the month's end and the next starts there at once),
so each month's demand is the GPU-hours the job was metered in that month, and a month's
delivered GPU-hours give back its metered ones: exactly where the centre's nodes hold the jobs
as they held them, less where the inventory has fewer nodes than the centre had then (a piece
that finds no room queues as any other job).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aisc.core.capacity import fields as f
from aisc.core.errors import RuleViolation

HOUR = 3600.0


@dataclass(frozen=True)
class Replayed:
    """`gpus` GPUs of `chip` for `hours` from `start` (naive, the scenario's clock)."""

    project: str
    chip: str
    start: dt.datetime
    hours: float
    gpus: int

    @property
    def end(self) -> dt.datetime:
        return self.start + dt.timedelta(hours=self.hours)


def replayed(
    index: int, row: Mapping[str, Any], chip: str, horizon: tuple[dt.datetime, dt.datetime]
) -> Replayed:
    where = f"replay[{index}]"
    job = Replayed(
        project=f.text(row, "project", where),
        chip=chip,
        start=f.when(row, "start", where),
        hours=f.number(row, "hours", where, low=0.0, strict_low=True),
        gpus=f.whole(row, "gpus", where, low=1),
    )
    if job.end <= horizon[0] or job.start >= horizon[1]:
        raise RuleViolation(
            ("%(where)s.start: the job's run %(start)s..%(end)s lies wholly outside the horizon"),
            field=f"{where}.start",
            params={
                "where": where,
                "start": f"{job.start:%Y-%m-%d %H:%M}",
                "end": f"{job.end:%Y-%m-%d %H:%M}",
            },
        )
    return job


def pieces(start_s: float, end_s: float, edges: list[float]) -> list[tuple[float, float]]:
    """[start_s, end_s) cut at the month edges (seconds), within the first and last edge."""
    begin, stop = max(start_s, edges[0]), min(end_s, edges[-1])
    cuts = [e for e in edges if begin < e < stop]
    bounds = [begin, *cuts, stop]
    return list(itertools.pairwise(bounds))
