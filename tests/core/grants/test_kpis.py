"""KPIs agreed at award time: a name, a target and a unit; a KPI without a unit is refused naming
the field; reported values are numbers from 0, to the cent; progress is the share of the target."""

from __future__ import annotations

from decimal import Decimal

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.grants.kpis import Kpi, check_amount, check_kpi, share_of_target


def test_a_kpi_keeps_its_name_target_and_unit_trimmed() -> None:
    assert check_kpi(" Monthly active users ", "10,000", " users ") == Kpi(
        "Monthly active users", Decimal("10000.00"), "users"
    )


@pytest.mark.parametrize("unit", ["", "   ", "x" * 41])
def test_it_refuses_a_kpi_without_a_unit_naming_the_field(unit: str) -> None:
    with pytest.raises(RuleViolation, match="needs its unit") as err:
        check_kpi("Users", "100", unit)
    assert err.value.field == "unit"


@pytest.mark.parametrize("name", ["", "x" * 201])
def test_it_refuses_a_kpi_without_a_name(name: str) -> None:
    with pytest.raises(RuleViolation) as err:
        check_kpi(name, "100", "users")
    assert err.value.field == "name"


@pytest.mark.parametrize("text", ["", "many", "-1", "1e12", "NaN", "sNaN", "Infinity"])
def test_a_target_or_value_must_be_a_number_from_zero_below_a_trillion(text: str) -> None:
    with pytest.raises(RuleViolation, match="a number") as err:
        check_amount(text, "target")
    assert err.value.field == "target"


def test_a_value_has_at_most_two_decimals() -> None:
    assert check_amount(" 12.5 ", "value") == Decimal("12.50")
    with pytest.raises(RuleViolation, match="two decimal places") as err:
        check_amount("1.234", "value")
    assert err.value.field == "value"


def test_progress_is_the_share_of_the_target_and_none_for_a_zero_target() -> None:
    assert share_of_target(Decimal(250), Decimal(1000)) == Decimal("0.2500")
    assert share_of_target(Decimal(3), Decimal(0)) is None
