"""The lifecycle of a billing period: open → closed, once; never closed before it has ended."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from enum import StrEnum

from aisc.core.errors import InvalidTransition, RuleViolation
from aisc.core.metering.split import Month


class PeriodState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


TRANSITIONS: dict[PeriodState, frozenset[PeriodState]] = {
    PeriodState.OPEN: frozenset({PeriodState.CLOSED}),
    PeriodState.CLOSED: frozenset(),
}


def transition(current: PeriodState, target: PeriodState) -> PeriodState:
    if target not in TRANSITIONS[current]:
        raise InvalidTransition(
            "period: cannot go from %(current)s to %(target)s",
            field="period",
            params={"current": current, "target": target},
        )
    return target


def check_closable(
    month: Month, state: PeriodState, now: dt.datetime, tz: zoneinfo.ZoneInfo
) -> None:
    """Refuse a period already closed, or one that has not ended yet (its usage is not all in)."""
    if state is PeriodState.CLOSED:
        raise InvalidTransition(
            "period: %(month)s is already closed", field="period", params={"month": month}
        )
    if now < month.end(tz):
        raise RuleViolation(
            "period: %(month)s has not ended yet; it can be closed from %(value)s (%(key)s)",
            field="period",
            params={
                "month": month,
                "value": f"{month.end(tz).astimezone(tz):%Y-%m-%d %H:%M}",
                "key": tz.key,
            },
        )
    transition(state, PeriodState.CLOSED)
