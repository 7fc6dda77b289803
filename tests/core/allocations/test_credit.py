"""The credit lifecycle: the stage a budget's use calls for, the steps to it through the one
table, the carry-over between tranches, the expired hours' subsidy and the exhaustion date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aisc.core.allocations.credit import (
    FULL_CARRY_OVER,
    Thresholds,
    burn_rate,
    carry_over,
    carry_over_at_release,
    check_carry_over_percent,
    due_events,
    exhaustion_date,
    expired_subsidy,
    stage_for,
    unused,
)
from aisc.core.allocations.lifecycle import (
    CREDIT_TRANSITIONS,
    CreditStage,
    credit_transition,
)
from aisc.core.errors import InvalidTransition, RuleViolation

D = Decimal
DEFAULT = Thresholds()


def test_the_default_thresholds_warn_at_80_and_stop_at_100_percent() -> None:
    assert (DEFAULT.warn, DEFAULT.stop) == (80, 100)
    assert stage_for(D(79), D(100), DEFAULT) == CreditStage.OPEN
    assert stage_for(D(80), D(100), DEFAULT) == CreditStage.WARNED
    assert stage_for(D("99.99"), D(100), DEFAULT) == CreditStage.WARNED
    assert stage_for(D(100), D(100), DEFAULT) == CreditStage.STOPPED
    assert stage_for(D(130), D(100), DEFAULT) == CreditStage.STOPPED


def test_nothing_released_is_open_however_much_was_used() -> None:
    assert stage_for(D(5), D(0), DEFAULT) == CreditStage.OPEN


def test_thresholds_are_configurable_and_a_stop_at_90_stops_earlier() -> None:
    assert stage_for(D(90), D(100), Thresholds(warn=50, stop=90)) == CreditStage.STOPPED
    assert stage_for(D(50), D(100), Thresholds(warn=50, stop=90)) == CreditStage.WARNED


@pytest.mark.parametrize(("warn", "stop"), [(0, 100), (80, 80), (90, 80), (50, 101)])
def test_thresholds_out_of_order_or_range_are_refused_naming_the_rule(warn: int, stop: int) -> None:
    with pytest.raises(RuleViolation) as refused:
        Thresholds(warn=warn, stop=stop)
    assert refused.value.field == "thresholds"
    assert "below the stop threshold" in refused.value.message


def test_use_passing_80_then_100_percent_warns_then_stops_once_each() -> None:
    assert due_events("open", D(85), D(100), ended=False, thresholds=DEFAULT) == ["warn"]
    assert due_events("warned", D(85), D(100), ended=False, thresholds=DEFAULT) == []
    assert due_events("warned", D(100), D(100), ended=False, thresholds=DEFAULT) == ["stop"]
    assert due_events("stopped", D(120), D(100), ended=False, thresholds=DEFAULT) == []


def test_use_jumping_past_the_stop_stops_without_a_separate_warning() -> None:
    assert due_events("open", D(100), D(100), ended=False, thresholds=DEFAULT) == ["stop"]


def test_a_raised_budget_reopens_and_reaches_a_lower_stage_anew() -> None:
    assert due_events("stopped", D(100), D(200), ended=False, thresholds=DEFAULT) == ["reopen"]
    assert due_events("stopped", D(170), D(200), ended=False, thresholds=DEFAULT) == [
        "reopen",
        "warn",
    ]
    assert due_events("warned", D(10), D(200), ended=False, thresholds=DEFAULT) == ["reopen"]


def test_the_end_of_the_award_expires_any_stage_once() -> None:
    for stage in ("open", "warned", "stopped"):
        assert due_events(stage, D(0), D(100), ended=True, thresholds=DEFAULT) == ["expire"]
    assert due_events("expired", D(0), D(100), ended=True, thresholds=DEFAULT) == []
    assert due_events("expired", D(500), D(100), ended=False, thresholds=DEFAULT) == []


def test_the_credit_table_has_expired_as_its_only_final_stage() -> None:
    finals = [stage for stage, steps in CREDIT_TRANSITIONS.items() if not steps]
    assert finals == [CreditStage.EXPIRED]
    assert credit_transition("open", "warn") == CreditStage.WARNED
    assert credit_transition("warned", "reopen") == CreditStage.OPEN


def test_a_step_the_credit_table_lacks_is_refused_naming_what_is_allowed() -> None:
    with pytest.raises(InvalidTransition) as refused:
        credit_transition("open", "reopen")
    assert refused.value.field == "credit_stage"
    assert refused.value.params["choices"] == "expire, stop, warn"
    with pytest.raises(InvalidTransition) as final:
        credit_transition("expired", "warn")
    assert final.value.params["choices"] == "none (it is final)"


@given(
    stage=st.sampled_from(["open", "warned", "stopped", "expired"]),
    used=st.integers(0, 400),
    released=st.integers(0, 300),
    ended=st.booleans(),
)
def test_the_steps_always_walk_the_table_and_land_where_the_figures_are(
    stage: str, used: int, released: int, ended: bool
) -> None:
    walked = CreditStage(stage)
    for event in due_events(stage, D(used), D(released), ended=ended, thresholds=DEFAULT):
        walked = credit_transition(walked, event)
    if stage == "expired" or ended:
        assert walked == CreditStage.EXPIRED
    else:
        assert walked == stage_for(D(used), D(released), DEFAULT)


def test_unused_hours_are_never_negative() -> None:
    assert unused(D(100), D(30)) == D(70)
    assert unused(D(100), D(130)) == D(0)
    assert unused(D(100), D("10.1234")) == D("89.87")  # never more than is left


def test_a_carry_over_keeps_its_percent_rounded_down_and_expires_the_rest() -> None:
    assert carry_over(D("333.33"), D(10), D(25)) == (D("33.33"), D("300.00"))
    assert carry_over(D(200), D(0), D(0)) == (D(0), D(200))  # the default: all expire
    assert carry_over(D(0), D(10), D(25)) == (D(0), D(0))


@pytest.mark.parametrize("percent", [D(-1), D(26)])
def test_a_carry_over_outside_the_schemes_limit_is_refused_naming_the_field(
    percent: Decimal,
) -> None:
    with pytest.raises(RuleViolation) as refused:
        carry_over(D(100), percent, D(25))
    assert refused.value.field == "carry_over_percent"
    assert refused.value.params["most"] == D(25)


@given(left=st.decimals(0, 10**6, places=2), percent=st.integers(0, 100))
def test_carried_and_expired_always_add_up_to_the_unused_hours(left: Decimal, percent: int) -> None:
    carried, expired = carry_over(left, D(percent), D(100))
    assert carried + expired == left
    assert D(0) <= carried <= left * percent / 100


def test_the_expired_subsidy_is_hours_times_price_times_rate_within_what_is_undisbursed() -> None:
    assert expired_subsidy(D(100) * D("12.345"), D("0.70"), D(10_000)) == D("864.15")
    assert expired_subsidy(D(1200), D("0.70"), D(500)) == D(500)
    assert expired_subsidy(D(1200), D("0.70"), D(-3)) == D(0)


def test_the_budget_runs_out_on_the_day_it_did_or_at_the_last_30_days_pace() -> None:
    today = dt.date(2026, 12, 5)
    days = [(dt.date(2026, 12, 1), 60.0), (dt.date(2026, 12, 3), 60.0)]
    assert exhaustion_date(days, 100.0, 4.0, today) == dt.date(2026, 12, 3)  # already
    assert exhaustion_date(days, 400.0, 4.0, today) == today + dt.timedelta(days=70)
    assert exhaustion_date(days, 400.0, 0.0, today) is None  # no use lately
    assert exhaustion_date([], 0.0, 4.0, today) is None  # nothing released
    assert exhaustion_date(days, 400.0, 1e-300, today) is None  # past any calendar


def test_the_burn_rate_is_the_mean_of_the_last_30_days_up_to_today() -> None:
    today = dt.date(2026, 12, 31)
    days = [(dt.date(2026, 12, 1), 900.0), (dt.date(2026, 12, 2), 30.0), (today, 30.0)]
    assert burn_rate(days, today) == 2.0  # 1 December is 30 days back: outside
    assert burn_rate([(dt.date(2027, 1, 1), 30.0)], today) == 0.0  # tomorrow: not yet


@pytest.mark.parametrize(("warn", "stop"), [(1, 2), (99, 100), (50, 90)])
def test_thresholds_in_order_and_range_are_accepted(warn: int, stop: int) -> None:
    assert Thresholds(warn=warn, stop=stop).stop == stop


@given(
    low=st.integers(0, 500),
    more=st.integers(0, 500),
    released=st.integers(0, 400),
    warn=st.integers(1, 98),
)
def test_more_use_never_moves_a_budget_to_an_earlier_stage(
    low: int, more: int, released: int, warn: int
) -> None:
    thresholds = Thresholds(warn=warn, stop=warn + 1)
    rank = {CreditStage.OPEN: 0, CreditStage.WARNED: 1, CreditStage.STOPPED: 2}
    before = stage_for(D(low), D(released), thresholds)
    after = stage_for(D(low + more), D(released), thresholds)
    assert rank[after] >= rank[before]


@given(
    used=st.lists(st.integers(0, 50), min_size=0, max_size=40),
    released=st.integers(0, 800),
    rate=st.floats(0, 100, allow_nan=False),
)
def test_the_exhaustion_date_is_the_first_day_the_budget_ran_out_or_a_day_ahead(
    used: list[int], released: int, rate: float
) -> None:
    today = dt.date(2026, 12, 31)
    days = [(today - dt.timedelta(days=len(used) - i), float(h)) for i, h in enumerate(used)]
    found = exhaustion_date(days, float(released), rate, today)
    total = sum(h for _, h in days)
    if found is not None and found <= today:
        assert released > 0
        assert sum(h for day, h in days if day <= found) >= released
        assert sum(h for day, h in days if day < found) < released
    elif found is not None:
        assert rate > 0
        assert total < released
        ahead = (found - today).days
        assert (ahead - 1) * rate < released - total <= ahead * rate + 1e-9
    else:
        assert total < released or released == 0
        too_slow = rate > 0 and (released - total) / rate > (dt.date.max - today).days
        assert rate <= 0 or total >= released or too_slow


@given(days=st.lists(st.tuples(st.integers(-60, 5), st.floats(0, 100)), max_size=30))
def test_the_burn_rate_counts_only_the_30_days_up_to_today(
    days: list[tuple[int, float]],
) -> None:
    today = dt.date(2026, 12, 31)
    dated = [(today + dt.timedelta(days=offset), hours) for offset, hours in days]
    inside = sum(h for offset, h in days if -30 < offset <= 0)
    assert burn_rate(dated, today) == pytest.approx(inside / 30)
    assert burn_rate(dated, today) >= 0


def test_a_scheme_allowing_no_carry_over_refuses_any_percent_and_expires_everything() -> None:
    assert carry_over(D("12.50"), D(0), D(0)) == (D(0), D("12.50"))
    with pytest.raises(RuleViolation):
        carry_over(D("12.50"), D("0.01"), D(0))


def test_a_release_at_50_percent_carries_half_of_each_chips_unused_hours_and_expires_the_rest() -> (
    None
):
    released = {"h800": D(1000), "br104": D(100), "mi300": D(10)}
    used = {"h800": D("400.5"), "mi300": D(12)}
    assert carry_over_at_release(released, used, D(50)) == {
        "br104": (D(50), D(50)),
        "h800": (D("299.75"), D("299.75")),
    }  # mi300, used past its budget, has nothing to carry or lose


def test_a_release_at_the_full_carry_over_expires_nothing_and_at_0_everything() -> None:
    released, used = {"h800": D(1000)}, {"h800": D(250)}
    assert carry_over_at_release(released, used, FULL_CARRY_OVER) == {"h800": (D(750), D(0))}
    assert carry_over_at_release(released, used, D(0)) == {"h800": (D(0), D(750))}
    assert carry_over_at_release({}, used, D(0)) == {}  # nothing released before


@pytest.mark.parametrize("percent", [D("-0.01"), D("100.01"), D(150)])
def test_a_carry_over_percent_outside_0_to_100_is_refused_naming_the_field(
    percent: Decimal,
) -> None:
    with pytest.raises(RuleViolation) as refused:
        check_carry_over_percent(percent)
    assert refused.value.field == "carry_over_percent"
    assert refused.value.params == {"most": D(100), "percent": percent}
    with pytest.raises(RuleViolation):
        carry_over_at_release({"h800": D(1)}, {}, percent)


@pytest.mark.parametrize("percent", [D(0), D("37.5"), D(100)])
def test_a_carry_over_percent_from_0_to_100_is_accepted_as_it_is(percent: Decimal) -> None:
    assert check_carry_over_percent(percent) == percent
