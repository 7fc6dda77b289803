"""A sliding-window rate limit kept as two counters per client: the requests counted in the
current fixed window and in the one before it. The previous window's count is weighted by the
part of it that still lies inside the sliding window (Cloudflare's approximation: it assumes the
previous window's requests were spread evenly), so a burst at a window's end cannot be followed
by a second full burst at the next one's start, as it could with fixed windows alone.

One row per client holds both counts, so the web process updates them in one statement (an
upsert) that every server process and host shares; what is left here is arithmetic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Window:
    """Where `now` (seconds) falls in the windows of `duration` seconds."""

    slot: int
    fraction: float  # of the current window already elapsed, in [0, 1)

    @classmethod
    def at(cls, now: float, duration: int) -> Window:
        slot = math.floor(now / duration)
        return cls(slot, now / duration - slot)


def estimate(count: int, previous: int, fraction: float) -> float:
    """Requests in the sliding window that ends now."""
    return previous * (1.0 - fraction) + count


def allows(count: int, previous: int, fraction: float, limit: int) -> bool:
    """Whether a request is allowed, `count` including it."""
    return estimate(count, previous, fraction) <= limit


def retry_after(count: int, previous: int, fraction: float, limit: int, duration: int) -> int:
    """Whole seconds (at least 1) until one more request would be allowed, given the counts
    without it: in the current window once enough of the previous one has slid out, else in the
    next window once enough of this one has."""
    room = limit - 1 - count
    if room >= 0:
        # The previous window must weigh at most `room`: previous * (1 - f) <= room.
        needed = 1.0 - room / previous if previous else 0.0
        wait = (needed - fraction) * duration
    else:
        # Next window: this one's count becomes the previous and must weigh at most limit - 1.
        needed = 1.0 - (limit - 1) / count
        wait = (1.0 - fraction + needed) * duration
    return max(1, math.ceil(wait))
