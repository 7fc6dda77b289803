import datetime as dt
from decimal import Decimal

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.grants import request as rq
from aisc.core.units import Money

WINDOW = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def test_requested_gpu_hours_are_gpus_times_months_times_730() -> None:
    # The AISS draft in facts §1.4: 2 cards × 6 months ≈ 8,760 card-hours.
    assert rq.requested_gpu_hours(2, 6) == Decimal(8760)


@pytest.mark.parametrize(
    ("field", "value", "rule"),
    [
        ("parameters", -7e9, "between 1 and 10 trillion"),
        ("parameters", 7e15, "between 1 and 10 trillion"),
        ("training_tokens", 1e18, "between 0 and 10\\^15"),
        ("epochs", 0, "between 1 and 100"),
        ("seq_len", 0, "between 1 and 10,000,000"),
        ("gpus", 0, "between 1 and 3,032"),
        ("months", 37, "between 1 and 36"),
    ],
)
def test_it_refuses_negative_or_absurd_numbers_naming_the_field(
    field: str, value: float, rule: str
) -> None:
    with pytest.raises(RuleViolation, match=rule) as e:
        rq.check_bounds({field: value})
    assert e.value.field == field


def test_it_lets_a_draft_leave_numbers_empty() -> None:
    rq.check_bounds({"parameters": None, "gpus": 8, "months": 6})


def test_active_parameters_cannot_exceed_the_total() -> None:
    rq.check_bounds({"parameters": 671e9, "active_parameters": 37e9})
    with pytest.raises(RuleViolation, match="cannot exceed") as e:
        rq.check_bounds({"parameters": 7e9, "active_parameters": 8e9})
    assert e.value.field == "active_parameters"


def test_adding_months_clamps_to_the_end_of_a_short_month() -> None:
    assert rq.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert rq.add_months(dt.date(2026, 11, 15), 3) == dt.date(2027, 2, 15)
    assert rq.period_end(dt.date(2026, 1, 1), 12) == dt.date(2026, 12, 31)


def test_a_period_inside_the_call_window_passes() -> None:
    rq.check_period(dt.date(2026, 1, 1), 12, WINDOW)


def test_it_refuses_months_that_run_past_the_call_period() -> None:
    with pytest.raises(RuleViolation, match="past the call's period end 2026-12-31") as e:
        rq.check_period(dt.date(2026, 6, 1), 8, WINDOW)
    assert e.value.field == "months"


def test_it_refuses_a_start_outside_the_call_period() -> None:
    with pytest.raises(RuleViolation, match="preferred start") as e:
        rq.check_period(dt.date(2025, 12, 1), 1, WINDOW)
    assert e.value.field == "preferred_start"


def test_it_refuses_a_request_beyond_the_call_budget() -> None:
    rq.check_within_budget(Money(100), Money(100))
    with pytest.raises(RuleViolation, match=r"beyond the call budget of HK\$100\.00") as e:
        rq.check_within_budget(Money("100.01"), Money(100))
    assert e.value.field == "gpus"
