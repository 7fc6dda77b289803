"""Starter grants, the fast lane: a small, time-limited GPU-hour grant on one chip, decided by the
system in the moment of submission against a few eligibility rules, with no review and no
committee (the seed's AI Lab, which lets teams try the centre's different accelerators).

A programme's terms (hours, months, the chips it offers, the subsidy rate it is billed at, how
many grants an organisation may have in a calendar year) are set by the secretariat; `refusal`
names the first rule an application breaks, or None when it is approved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from aisc.core.catalogue.chips import CHIPS
from aisc.core.errors import AiscError, RuleViolation
from aisc.core.grants.obligations import FinalReportObligation, overdue
from aisc.core.grants.workflow import ApplicationStatus

# "Small": at most a month of one 8-GPU node (8 x 730 h); more goes through a call and review.
MAX_GPU_HOURS = Decimal(5840)
MAX_MONTHS = 6
MAX_PER_YEAR = 12

A = ApplicationStatus

# A starter application is created submitted and decided in the same transaction; it never
# sees screening, review or the committee.
STARTER_TRANSITIONS: Mapping[ApplicationStatus, frozenset[ApplicationStatus]] = {
    A.SUBMITTED: frozenset({A.APPROVED, A.REJECTED}),
    A.APPROVED: frozenset({A.WITHDRAWN}),
    A.REJECTED: frozenset(),
    A.WITHDRAWN: frozenset(),
}


class Rule(StrEnum):
    """The rules a refusal names (the codes the API returns and the status page explains)."""

    CHIP_NOT_IN_PROGRAMME = "chip_not_in_programme"
    CHIP_NOT_OFFERED = "chip_not_offered"
    ORGANISATION_UNVERIFIED = "organisation_unverified"
    FINAL_REPORT_OVERDUE = "final_report_overdue"
    YEARLY_LIMIT = "yearly_limit"
    # The fund's and the centre's limits every award meets (call budget, scheme caps, capacity).
    CENTRE_LIMITS = "centre_limits"


@dataclass(frozen=True)
class Terms:
    gpu_hours: Decimal
    months: int
    chips: tuple[str, ...]
    per_org_per_year: int
    subsidy_rate: Decimal


@dataclass(frozen=True)
class Standing:
    """What the rules need to know about the applying organisation, as of the submission."""

    verified: bool
    obligations: tuple[FinalReportObligation, ...]
    granted_this_year: int  # starter grants of the scheme already awarded this calendar year


@dataclass(frozen=True)
class Refusal:
    rule: Rule
    error: AiscError


def check_terms(terms: Terms, max_rate: Decimal) -> Terms:
    """A programme's terms as the secretariat may set them; each refusal names its field."""
    if not Decimal(0) < terms.gpu_hours <= MAX_GPU_HOURS:
        raise RuleViolation(
            "a starter grant gives more than 0 and at most %(max)s GPU-hours (got %(got)s)",
            field="gpu_hours",
            params={"max": MAX_GPU_HOURS, "got": terms.gpu_hours},
        )
    if not 1 <= terms.months <= MAX_MONTHS:
        raise RuleViolation(
            "a starter grant runs 1 to %(max)s months (got %(got)s)",
            field="months",
            params={"max": MAX_MONTHS, "got": terms.months},
        )
    _check_chips(terms.chips)
    if not 1 <= terms.per_org_per_year <= MAX_PER_YEAR:
        raise RuleViolation(
            "an organisation may have 1 to %(max)s starter grants a year (got %(got)s)",
            field="per_org_per_year",
            params={"max": MAX_PER_YEAR, "got": terms.per_org_per_year},
        )
    if not Decimal(0) < terms.subsidy_rate <= max_rate:
        raise RuleViolation(
            "the subsidy rate must be above 0 and at most the scheme's maximum %(max)s "
            "(got %(got)s)",
            field="subsidy_rate",
            params={"max": max_rate, "got": terms.subsidy_rate},
        )
    return terms


def _check_chips(chips: Iterable[str]) -> None:
    listed = list(chips)
    if not listed:
        raise RuleViolation("offer at least one chip", field="chips")
    for code in listed:
        if code not in CHIPS:
            raise RuleViolation(
                "unknown chip %(code)s; known chips: %(known)s",
                field="chips",
                params={"code": code, "known": ", ".join(CHIPS)},
            )
    if len(set(listed)) != len(listed):
        raise RuleViolation("each chip is offered once", field="chips")


def refusal(
    terms: Terms, standing: Standing, chip: str, offered: Collection[str], today: dt.date
) -> Refusal | None:
    """The first rule the application breaks, in the order an applicant can act on them: the
    chip, the organisation's verification, its overdue final reports, its grants this year."""
    if chip not in terms.chips:
        return Refusal(
            Rule.CHIP_NOT_IN_PROGRAMME,
            RuleViolation(
                "this programme offers starter grants on %(chips)s, not %(chip)s",
                field="chip",
                params={"chips": ", ".join(terms.chips), "chip": chip},
            ),
        )
    if chip not in offered:
        return Refusal(
            Rule.CHIP_NOT_OFFERED,
            RuleViolation(
                "the centre has no %(chip)s nodes in service now; choose one of %(offered)s",
                field="chip",
                params={"chip": chip, "offered": ", ".join(sorted(offered)) or "-"},
            ),
        )
    if not standing.verified:
        return Refusal(
            Rule.ORGANISATION_UNVERIFIED,
            RuleViolation(
                "the organisation is not verified yet; the secretariat verifies it first",
                field="organisation",
            ),
        )
    late = overdue(standing.obligations, today)
    if late:
        return Refusal(
            Rule.FINAL_REPORT_OVERDUE,
            RuleViolation(
                "the final report on award %(project_code)s has been overdue since %(due)s",
                field="organisation",
                params={"project_code": late[0].project_code, "due": late[0].due.isoformat()},
            ),
        )
    if standing.granted_this_year >= terms.per_org_per_year:
        return Refusal(
            Rule.YEARLY_LIMIT,
            RuleViolation(
                "the organisation already has %(granted)s starter grant(s) in %(year)s, the "
                "most allowed a year",
                field="organisation",
                params={"granted": standing.granted_this_year, "year": today.year},
            ),
        )
    return None


def limits_refusal(error: AiscError) -> Refusal:
    """A limit every award meets (the call's budget, a scheme cap, the centre's capacity)
    refuses a starter grant too, under its own rule and message."""
    return Refusal(Rule.CENTRE_LIMITS, error)
