"""KPIs agreed at award time (a name, a target and its unit) and the values each progress or final
report gives against them. A KPI without a unit means nothing to the committee reading it, so it
is refused naming the field."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from aisc.core.errors import RuleViolation
from aisc.core.grants.outputs import typed_number

MAX_NAME = 200
MAX_UNIT = 40
MAX_VALUE = Decimal("1e12")
SHARE = Decimal("0.0001")


@dataclass(frozen=True)
class Kpi:
    name: str
    target: Decimal
    unit: str


def check_amount(text: str, field: str) -> Decimal:
    """A target or a reported value: a number from 0 up to 10^12, at most two decimals."""
    value = typed_number(text, field)
    if not Decimal(0) <= value < MAX_VALUE:
        raise RuleViolation(
            "a number from 0 to below 10^12, not %(text)s",
            field=field,
            params={"text": f"{text.strip()!r}"},
        )
    if value != value.quantize(Decimal("0.01")):
        raise RuleViolation("at most two decimal places", field=field)
    return value.quantize(Decimal("0.01"))


def check_kpi(name: str, target: str, unit: str) -> Kpi:
    label = name.strip()
    if not label or len(label) > MAX_NAME:
        raise RuleViolation(
            "a KPI needs a name of 1 to %(max_name)s characters",
            field="name",
            params={"max_name": MAX_NAME},
        )
    measure = unit.strip()
    if not measure or len(measure) > MAX_UNIT:
        raise RuleViolation(
            "a KPI needs its unit (1 to %(max_unit)s characters, e.g. users, papers, HK$)",
            field="unit",
            params={"max_unit": MAX_UNIT},
        )
    return Kpi(label, check_amount(target, "target"), measure)


def share_of_target(value: Decimal, target: Decimal) -> Decimal | None:
    """How far the value has come towards the target (1 = met); none for a target of 0."""
    return (value / target).quantize(SHARE) if target else None
