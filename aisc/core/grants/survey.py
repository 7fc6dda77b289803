"""The follow-up survey: 12 months after an award ends the grantee says what the investment
returned (revenue, users, jobs). Reminders go on the day it falls due and 30 and 60 days after,
while it is unanswered; a worker that was down sends one reminder, not the ones it missed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from aisc.core.errors import RuleViolation
from aisc.core.grants.outputs import typed_number

SURVEY_MONTHS = 12
REMINDER_OFFSETS = (0, 30, 60)  # days after the survey falls due
MAX_REVENUE = Decimal("1e13")
MAX_COUNT = 100_000_000


@dataclass(frozen=True)
class Answer:
    revenue: Decimal  # HK$, to the cent
    users: int
    jobs: int


def due_on(award_end: dt.date) -> dt.date:
    """The same day SURVEY_MONTHS later (29 February becomes 28 February)."""
    years, month = divmod(award_end.month - 1 + SURVEY_MONTHS, 12)
    year = award_end.year + years
    try:
        return dt.date(year, month + 1, award_end.day)
    except ValueError:
        return dt.date(year, month + 1, 28)


def reminder_to_send(due: dt.date, today: dt.date, sent: int) -> int | None:
    """The number of the reminder to send today (1, 2, 3), or None: the latest one whose day has
    come, if it is later than the `sent` ones already sent."""
    reached = sum(1 for days in REMINDER_OFFSETS if due + dt.timedelta(days=days) <= today)
    return reached if reached > sent else None


def _number(text: str, field: str) -> Decimal:
    value = typed_number(text, field)
    if value < 0:
        raise RuleViolation(
            "a number from 0, not %(text)s", field=field, params={"text": f"{text.strip()!r}"}
        )
    return value


def _count(text: str, field: str) -> int:
    value = _number(text, field)
    if value != value.to_integral_value() or value > MAX_COUNT:
        raise RuleViolation(
            "a whole number from 0 to %(max_count)s",
            field=field,
            params={"max_count": f"{MAX_COUNT:,}"},
        )
    return int(value)


def check_answer(revenue: str, users: str, jobs: str) -> Answer:
    """Revenue in HK$ to the cent (0 when none), users and jobs as whole numbers."""
    amount = _number(revenue, "revenue")
    if amount >= MAX_REVENUE or amount != amount.quantize(Decimal("0.01")):
        raise RuleViolation("revenue: HK$ to the cent, below HK$10^13", field="revenue")
    return Answer(amount.quantize(Decimal("0.01")), _count(users, "users"), _count(jobs, "jobs"))
