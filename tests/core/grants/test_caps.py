"""Cumulative caps per organisation and per group of related organisations, in HK$ and
GPU-hours: an award over a cap is refused naming the field, the figures and the way out (the
exceptional rule with a reason)."""

from decimal import Decimal

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.grants import caps
from aisc.core.grants.caps import Cap, CapExceeded, Measure, Scope, Totals

D = Decimal
BEFORE = Totals(D("900000"), D("8000"))


def test_an_award_that_stays_within_or_reaches_the_cap_has_no_breach() -> None:
    cap = Cap(D("1000000"), D("10000"))
    assert (
        caps.breaches(Scope.ORGANISATION, "HU", cap, BEFORE, Totals(D("100000"), D("2000"))) == []
    )


def test_no_cap_means_no_limit() -> None:
    assert caps.breaches(Scope.GROUP, "G", Cap(), BEFORE, Totals(D("1e9"), D("1e9"))) == []


def test_each_measure_over_its_cap_is_a_breach_with_its_figures() -> None:
    found = caps.breaches(
        Scope.ORGANISATION,
        "HU",
        Cap(D("1000000"), D("9000")),
        BEFORE,
        Totals(D("100000.01"), D("1001")),
    )
    assert [(b.measure, b.cap, b.before, b.after) for b in found] == [
        (Measure.SUBSIDY, D("1000000"), D("900000"), D("1000000.01")),
        (Measure.GPU_HOURS, D("9000"), D("8000"), D("9001")),
    ]


def test_it_rejects_an_award_over_a_cap_without_a_reason_naming_the_field_and_figures() -> None:
    found = caps.breaches(
        Scope.ORGANISATION, "Harbour U", Cap(D("1000000")), BEFORE, Totals(D("200000"))
    )
    with pytest.raises(CapExceeded) as refused:
        caps.check(found, "  ")
    assert refused.value.field == "cap_exception_reason"
    assert refused.value.message == (
        "this award would bring Harbour U to HK$1100000 of subsidy in this scheme, over the cap of "
        "HK$1000000 per organisation (HK$900000 before it); give a reason to use the exceptional "
        "rule"
    )
    assert refused.value.breach == found[0]


@pytest.mark.parametrize(
    ("scope", "cap", "words"),
    [
        (
            Scope.ORGANISATION,
            Cap(gpu_hours=D("8500")),
            "over the cap of 8500 GPU-hours per organisation",
        ),
        (Scope.GROUP, Cap(subsidy=D("950000")), "over the group cap of HK$950000"),
        (Scope.GROUP, Cap(gpu_hours=D("8500")), "over the group cap of 8500 GPU-hours"),
    ],
)
def test_each_scope_and_measure_says_its_own_rule(scope: Scope, cap: Cap, words: str) -> None:
    found = caps.breaches(scope, "G", cap, BEFORE, Totals(D("100000"), D("1000")))
    with pytest.raises(CapExceeded) as refused:
        caps.check(found, "")
    assert words in refused.value.message


def test_the_exceptional_rule_with_a_reason_lets_the_award_through_and_keeps_the_breaches() -> None:
    found = caps.breaches(Scope.GROUP, "G", Cap(D("1")), BEFORE, Totals(D("1")))
    assert caps.check(found, "strategic national priority") == found
    assert caps.check([], "") == []


def test_a_cap_is_more_than_zero_or_empty() -> None:
    assert caps.check_cap_value(None, "org_cap_subsidy") is None
    assert caps.check_cap_value(D("5"), "org_cap_subsidy") == D("5")
    with pytest.raises(RuleViolation) as refused:
        caps.check_cap_value(D("0"), "org_cap_gpu_hours")
    assert refused.value.field == "org_cap_gpu_hours"


def test_totals_add_up() -> None:
    assert Totals(D("1"), D("2")) + Totals(D("3"), D("4")) == Totals(D("4"), D("6"))
