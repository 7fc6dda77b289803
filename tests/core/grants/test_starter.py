"""Starter grants: the programme's terms are bounded, and a refusal names the first rule the
application breaks (chip, verification, overdue final report, grants this year)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from aisc.core.errors import InsufficientBalance, RuleViolation
from aisc.core.grants.obligations import FinalReportObligation
from aisc.core.grants.starter import (
    STARTER_TRANSITIONS,
    Rule,
    Standing,
    Terms,
    check_terms,
    limits_refusal,
    refusal,
)
from aisc.core.grants.workflow import ApplicationStatus, transition

TODAY = dt.date(2026, 12, 6)
TERMS = Terms(Decimal(500), 3, ("h800", "br104"), 2, Decimal("0.70"))
GOOD = Standing(verified=True, obligations=(), granted_this_year=1)
OFFERED = {"h800", "br104"}
MAX_RATE = Decimal("0.70")


def rule_of(standing: Standing = GOOD, chip: str = "h800", offered: set[str] = OFFERED) -> Rule:
    found = refusal(TERMS, standing, chip, offered, TODAY)
    assert found is not None
    return found.rule


def test_a_verified_organisation_under_its_yearly_limit_is_approved_on_an_offered_chip() -> None:
    assert refusal(TERMS, GOOD, "br104", OFFERED, TODAY) is None


def test_a_chip_the_programme_does_not_offer_is_refused_naming_the_chips_it_does() -> None:
    found = refusal(TERMS, GOOD, "h100", OFFERED, TODAY)
    assert found is not None
    assert found.rule == Rule.CHIP_NOT_IN_PROGRAMME
    assert found.error.field == "chip"
    assert "h800, br104, not h100" in found.error.message


def test_a_chip_the_centre_runs_no_nodes_of_is_refused() -> None:
    assert rule_of(offered={"h800"}, chip="br104") == Rule.CHIP_NOT_OFFERED
    found = refusal(TERMS, GOOD, "br104", set(), TODAY)
    assert found is not None
    assert found.error.message.endswith("choose one of -")


def test_an_unverified_organisation_is_refused() -> None:
    assert rule_of(replace(GOOD, verified=False)) == Rule.ORGANISATION_UNVERIFIED


def test_an_overdue_final_report_is_refused_naming_the_award_and_the_date() -> None:
    late = FinalReportObligation("p2025a-001", dt.date(2026, 6, 30), 90)
    found = refusal(TERMS, replace(GOOD, obligations=(late,)), "h800", OFFERED, TODAY)
    assert found is not None
    assert found.rule == Rule.FINAL_REPORT_OVERDUE
    assert "p2025a-001 has been overdue since 2026-09-28" in found.error.message
    delivered = replace(late, delivered=True)
    assert refusal(TERMS, replace(GOOD, obligations=(delivered,)), "h800", OFFERED, TODAY) is None


def test_the_yearly_limit_counts_grants_already_made_this_year() -> None:
    found = refusal(TERMS, replace(GOOD, granted_this_year=2), "h800", OFFERED, TODAY)
    assert found is not None
    assert found.rule == Rule.YEARLY_LIMIT
    assert "already has 2 starter grant(s) in 2026" in found.error.message


def test_the_rules_are_checked_in_the_order_an_applicant_can_act_on_them() -> None:
    worst = Standing(
        verified=False,
        obligations=(FinalReportObligation("p1", dt.date(2025, 1, 1), 0),),
        granted_this_year=9,
    )
    assert rule_of(worst, chip="h100") == Rule.CHIP_NOT_IN_PROGRAMME
    assert rule_of(worst) == Rule.ORGANISATION_UNVERIFIED
    assert rule_of(replace(worst, verified=True)) == Rule.FINAL_REPORT_OVERDUE


def test_a_limit_every_award_meets_refuses_under_the_centre_limits_rule() -> None:
    error = InsufficientBalance("the call has HK$0 left", field="gpu_hours")
    assert limits_refusal(error).rule == Rule.CENTRE_LIMITS
    assert limits_refusal(error).error is error


def test_sensible_terms_pass() -> None:
    assert check_terms(TERMS, MAX_RATE) == TERMS


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"gpu_hours": Decimal(0)}, "gpu_hours"),
        ({"gpu_hours": Decimal(5841)}, "gpu_hours"),
        ({"months": 0}, "months"),
        ({"months": 7}, "months"),
        ({"chips": ()}, "chips"),
        ({"chips": ("h800", "zz9")}, "chips"),
        ({"chips": ("h800", "h800")}, "chips"),
        ({"per_org_per_year": 0}, "per_org_per_year"),
        ({"per_org_per_year": 13}, "per_org_per_year"),
        ({"subsidy_rate": Decimal(0)}, "subsidy_rate"),
        ({"subsidy_rate": Decimal("0.71")}, "subsidy_rate"),
    ],
)
def test_terms_out_of_bounds_are_refused_naming_the_field(
    changes: dict[str, object], field: str
) -> None:
    with pytest.raises(RuleViolation) as info:
        check_terms(replace(TERMS, **changes), MAX_RATE)  # type: ignore[arg-type]
    assert info.value.field == field


def test_a_starter_application_goes_from_submitted_to_a_decision_and_nowhere_else() -> None:
    status = ApplicationStatus
    approved = transition(STARTER_TRANSITIONS, status.SUBMITTED, status.APPROVED, what="x")
    rejected = transition(STARTER_TRANSITIONS, status.SUBMITTED, status.REJECTED, what="x")
    assert (approved, rejected) == (status.APPROVED, status.REJECTED)
    assert status.IN_REVIEW not in STARTER_TRANSITIONS[status.SUBMITTED]
    assert STARTER_TRANSITIONS[status.REJECTED] == frozenset()
