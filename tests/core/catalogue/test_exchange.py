import datetime as dt
from decimal import Decimal

import pytest

from aisc.core.catalogue.exchange import (
    ThroughputRate,
    check_rates,
    convert,
    default_rates,
    factor_on,
)
from aisc.core.errors import NotFound, RuleViolation

START = dt.date(2025, 1, 1)
LATER = dt.date(2026, 1, 1)


def test_default_factors_are_dense_peak_ratios_to_the_h800() -> None:
    rates = {r.chip: r.factor for r in default_rates(START)}
    assert rates["h800"] == Decimal("1.0000")
    assert rates["br104"] == Decimal("0.5175")
    assert rates["ascend910b"] == Decimal("0.3234")  # FP16: the only published figure
    check_rates(default_rates(START))


def test_converting_keeps_the_work_not_the_hours() -> None:
    rates = default_rates(START)
    assert convert(Decimal(100), "h800", "br104", START, rates) == Decimal("193.24")
    assert convert(Decimal(100), "h800", "h100", START, rates) == Decimal("100.00")


def test_a_later_rate_takes_effect_on_its_day_and_not_before() -> None:
    rates = [*default_rates(START), ThroughputRate("br104", LATER, Decimal("0.4"))]
    day_before = LATER - dt.timedelta(days=1)
    assert factor_on(rates, "br104", day_before) == Decimal("0.5175")
    assert factor_on(rates, "br104", LATER) == Decimal("0.4")
    assert convert(Decimal(40), "br104", "h800", LATER, rates) == Decimal("16.00")


def test_there_is_no_rate_before_the_first_one() -> None:
    with pytest.raises(NotFound, match="no exchange rate for h800 on 2024-12-31"):
        factor_on(default_rates(START), "h800", dt.date(2024, 12, 31))


def test_negative_hours_and_unknown_chips_are_refused() -> None:
    with pytest.raises(RuleViolation) as caught:
        convert(Decimal(-1), "h800", "br104", START, default_rates(START))
    assert caught.value.field == "gpu_hours"
    with pytest.raises(NotFound):
        convert(Decimal(1), "h800", "v100", START, default_rates(START))


def test_two_rates_for_one_chip_on_one_day_or_a_zero_factor_are_refused() -> None:
    with pytest.raises(RuleViolation) as twice:
        check_rates([ThroughputRate("h800", START, Decimal(1))] * 2)
    assert twice.value.field == "valid_from"
    with pytest.raises(RuleViolation) as zero:
        check_rates([ThroughputRate("h800", START, Decimal(0))])
    assert zero.value.field == "factor"


def test_a_missing_rate_for_the_chip_exchanged_to_is_refused_under_to_chip() -> None:
    only_h800 = [ThroughputRate("h800", START, Decimal(1))]
    with pytest.raises(NotFound, match="no exchange rate for br104") as caught:
        convert(Decimal(1), "h800", "br104", START, only_h800)
    assert caught.value.field == "to_chip"
    with pytest.raises(NotFound) as from_side:
        convert(Decimal(1), "br104", "h800", START, only_h800)
    assert from_side.value.field == "chip"
