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
        # In UTC: adding to a time in a zone with summer time would add wall-clock time.
        self._at = (self._at.astimezone(UTC) + delta).astimezone(self._at.tzinfo)

    def set(self, at: dt.datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs a timezone-aware datetime")
        self._at = at


class SimClock:
    """Simulated seconds since an epoch, advanced by the event engine."""

    def __init__(self, epoch: dt.datetime, seconds: float = 0.0) -> None:
        if epoch.tzinfo is None:
            raise ValueError("SimClock needs a timezone-aware epoch")
        # Held in UTC, so that simulated seconds are real seconds whatever the epoch's zone
        # (arithmetic on a time in a zone with summer time is wall-clock arithmetic).
        self.epoch = epoch.astimezone(UTC)
        self.seconds = seconds

    def now(self) -> dt.datetime:
        return self.epoch + dt.timedelta(seconds=self.seconds)
