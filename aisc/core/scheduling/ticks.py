"""When one of slurmctld's threads comes round: every `period` from `origin`, or, where a run's
log shows when it came, through each of those `anchors` with the gap between two of them split
evenly into whole periods (its sleeps drift by milliseconds a turn, and not at a steady rate)."""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass

EPSILON = 1e-6  # of a period: a tick this close to a time counts as at it


@dataclass(frozen=True)
class Ticks:
    period: float
    origin: float = 0.0
    anchors: tuple[float, ...] = ()  # ascending

    def at_or_after(self, now: float) -> float:
        """The first tick at `now` or later."""
        base, step = self._segment(now)
        return base + math.ceil((now - base) / step - EPSILON) * step

    def after(self, now: float) -> float:
        """The first tick later than `now`."""
        base, step = self._segment(now)
        return base + (math.floor((now - base) / step + EPSILON) + 1) * step

    def _segment(self, now: float) -> tuple[float, float]:
        anchors = self.anchors
        if not anchors:
            return self.origin, self.period
        i = bisect_right(anchors, now + EPSILON * self.period)
        if i == 0 or i == len(anchors):
            return anchors[0 if i == 0 else -1], self.period
        gap = anchors[i] - anchors[i - 1]
        return anchors[i - 1], gap / max(1, round(gap / self.period))
