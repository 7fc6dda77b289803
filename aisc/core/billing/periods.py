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
        raise InvalidTransition(f"period: cannot go from {current} to {target}", field="period")
    return target


def check_closable(
    month: Month, state: PeriodState, now: dt.datetime, tz: zoneinfo.ZoneInfo
) -> None:
    """Refuse a period already closed, or one that has not ended yet (its usage is not all in)."""
    if state is PeriodState.CLOSED:
        raise InvalidTransition(f"period: {month} is already closed", field="period")
    if now < month.end(tz):
        raise RuleViolation(
            f"period: {month} has not ended yet; it can be closed from "
            f"{month.end(tz).astimezone(tz):%Y-%m-%d %H:%M} ({tz.key})",
            field="period",
        )
    transition(state, PeriodState.CLOSED)
