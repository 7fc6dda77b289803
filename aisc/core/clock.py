"""Clocks are passed in: the core never reads the wall clock itself."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

UTC = dt.UTC


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The real clock; only the edges (web, cli) construct it."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(UTC)


class FrozenClock:
    """A clock that stands still until told to move; for tests and replays."""

    def __init__(self, at: dt.datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs a timezone-aware datetime")
        self._at = at

    def now(self) -> dt.datetime:
        return self._at

    def advance(self, delta: dt.timedelta) -> None:
        self._at = self._at + delta

    def set(self, at: dt.datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs a timezone-aware datetime")
        self._at = at


class SimClock:
    """Simulated seconds since an epoch, advanced by the event engine."""

    def __init__(self, epoch: dt.datetime, seconds: float = 0.0) -> None:
        self.epoch = epoch
        self.seconds = seconds

    def now(self) -> dt.datetime:
        return self.epoch + dt.timedelta(seconds=self.seconds)
