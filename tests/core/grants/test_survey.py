"""The follow-up survey falls due 12 months after the award ends; reminders on that day and 30
and 60 days after, one at a time; answers are checked naming the field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.grants.survey import Answer, check_answer, due_on, reminder_to_send


@pytest.mark.parametrize(
    ("end", "due"),
    [
        (dt.date(2026, 9, 30), dt.date(2027, 9, 30)),
        (dt.date(2026, 12, 31), dt.date(2027, 12, 31)),
        (dt.date(2028, 2, 29), dt.date(2029, 2, 28)),
        (dt.date(2026, 1, 15), dt.date(2027, 1, 15)),
    ],
)
def test_the_survey_falls_due_twelve_months_after_the_award_ends(
    end: dt.date, due: dt.date
) -> None:
    assert due_on(end) == due


def test_reminders_go_on_the_due_day_then_30_and_60_days_after_each_once() -> None:
    due = dt.date(2027, 9, 30)
    assert reminder_to_send(due, due - dt.timedelta(days=1), 0) is None
    assert reminder_to_send(due, due, 0) == 1
    assert reminder_to_send(due, due + dt.timedelta(days=29), 1) is None
    assert reminder_to_send(due, due + dt.timedelta(days=30), 1) == 2
    assert reminder_to_send(due, due + dt.timedelta(days=60), 2) == 3
    assert reminder_to_send(due, due + dt.timedelta(days=400), 3) is None


def test_a_worker_back_after_a_long_outage_sends_only_the_latest_reminder() -> None:
    assert reminder_to_send(dt.date(2027, 1, 1), dt.date(2027, 6, 1), 0) == 3


def test_an_answer_keeps_revenue_to_the_cent_and_whole_counts() -> None:
    assert check_answer(" 1,250,000.5 ", "12000", "7") == Answer(Decimal("1250000.50"), 12000, 7)
    assert check_answer("0", "0", "0") == Answer(Decimal("0.00"), 0, 0)


@pytest.mark.parametrize(
    ("revenue", "users", "jobs", "field"),
    [
        ("", "1", "1", "revenue"),
        ("-5", "1", "1", "revenue"),
        ("1.005", "1", "1", "revenue"),
        ("1e13", "1", "1", "revenue"),
        ("10", "many", "1", "users"),
        ("10", "2.5", "1", "users"),
        ("10", "1", "-1", "jobs"),
        ("10", "1", "100000001", "jobs"),
        ("10", "1", "Infinity", "jobs"),
    ],
)
def test_a_bad_answer_is_refused_naming_its_field(
    revenue: str, users: str, jobs: str, field: str
) -> None:
    with pytest.raises(RuleViolation) as err:
        check_answer(revenue, users, jobs)
    assert err.value.field == field
