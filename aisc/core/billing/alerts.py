"""Alert levels: 80 % and 100 % of released GPU-hours or of the subsidy cap, each sent once."""

from __future__ import annotations

from decimal import Decimal

LEVELS: tuple[int, ...] = (80, 100)


def level_reached(used: Decimal, limit: Decimal) -> int:
    """The highest level (0, 80 or 100) that `used` has reached out of `limit`."""
    if limit <= 0:
        return 100 if used > 0 else 0
    reached = 0
    for level in LEVELS:
        if used * 100 >= limit * level:
            reached = level
    return reached


def new_levels(already_sent: int, used: Decimal, limit: Decimal) -> list[int]:
    """Levels crossed since the last alert, lowest first; none twice."""
    now = level_reached(used, limit)
    return [level for level in LEVELS if already_sent < level <= now]
