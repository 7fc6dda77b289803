"""Caps that keep one organisation (or one group of related organisations) from absorbing a
scheme: a cumulative limit across all the scheme's calls, in HK$ of subsidy committed and in
GPU-hours awarded. An award that would go over a cap is refused unless the committee uses the
exceptional rule, with a reason (kept on the award and in the audit log)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from aisc.core.errors import RuleViolation

ZERO = Decimal(0)


class Scope(StrEnum):
    ORGANISATION = "organisation"
    GROUP = "group"


class Measure(StrEnum):
    SUBSIDY = "subsidy"  # HK$ committed
    GPU_HOURS = "gpu_hours"


@dataclass(frozen=True)
class Totals:
    subsidy: Decimal = ZERO
    gpu_hours: Decimal = ZERO

    def __add__(self, other: Totals) -> Totals:
        return Totals(self.subsidy + other.subsidy, self.gpu_hours + other.gpu_hours)

    def of(self, measure: Measure) -> Decimal:
        return self.subsidy if measure is Measure.SUBSIDY else self.gpu_hours


@dataclass(frozen=True)
class Cap:
    """None: no cap on that measure."""

    subsidy: Decimal | None = None
    gpu_hours: Decimal | None = None

    def of(self, measure: Measure) -> Decimal | None:
        return self.subsidy if measure is Measure.SUBSIDY else self.gpu_hours


@dataclass(frozen=True)
class Breach:
    scope: Scope
    name: str  # the organisation's or group's name
    measure: Measure
    cap: Decimal
    before: Decimal
    after: Decimal


# One template per scope and measure, so each reads whole in the user's language.
MESSAGES = {
    (Scope.ORGANISATION, Measure.SUBSIDY): (
        "this award would bring %(name)s to HK$%(after)s of subsidy in this scheme, over the "
        "cap of HK$%(cap)s per organisation (HK$%(before)s before it); give a reason to use the "
        "exceptional rule"
    ),
    (Scope.ORGANISATION, Measure.GPU_HOURS): (
        "this award would bring %(name)s to %(after)s GPU-hours in this scheme, over the cap of "
        "%(cap)s GPU-hours per organisation (%(before)s before it); give a reason to use the "
        "exceptional rule"
    ),
    (Scope.GROUP, Measure.SUBSIDY): (
        "this award would bring the related organisations %(name)s to HK$%(after)s of subsidy in "
        "this scheme, over the group cap of HK$%(cap)s (HK$%(before)s before it); give a reason "
        "to use the exceptional rule"
    ),
    (Scope.GROUP, Measure.GPU_HOURS): (
        "this award would bring the related organisations %(name)s to %(after)s GPU-hours in "
        "this scheme, over the group cap of %(cap)s GPU-hours (%(before)s before it); give a "
        "reason to use the exceptional rule"
    ),
}


class CapExceeded(RuleViolation):
    def __init__(self, breach: Breach) -> None:
        super().__init__(
            MESSAGES[(breach.scope, breach.measure)],
            field="cap_exception_reason",
            params={
                "name": breach.name,
                "after": breach.after,
                "cap": breach.cap,
                "before": breach.before,
            },
        )
        self.breach = breach


def check_cap_value(value: Decimal | None, field: str) -> Decimal | None:
    if value is not None and value <= 0:
        raise RuleViolation("must be more than zero, or left empty for no cap", field=field)
    return value


def breaches(scope: Scope, name: str, cap: Cap, before: Totals, adding: Totals) -> list[Breach]:
    """The caps this award would pass: before + adding above the cap (reaching it is allowed)."""
    found = []
    for measure in Measure:
        limit = cap.of(measure)
        after = before.of(measure) + adding.of(measure)
        if limit is not None and after > limit:
            found.append(Breach(scope, name, measure, limit, before.of(measure), after))
    return found


def check(found: Iterable[Breach], exception_reason: str) -> list[Breach]:
    """Refuse on the first breach unless the exceptional rule is used with a reason; return the
    breaches the reason covers (to keep with the award and the audit)."""
    listed = list(found)
    if listed and not exception_reason.strip():
        raise CapExceeded(listed[0])
    return listed
