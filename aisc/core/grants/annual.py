"""The annual report's pure parts: which years it may cover, and how applications count per call
(received, screened out, approved, rejected) from their current status."""

from __future__ import annotations

from collections.abc import Iterable

from aisc.core.errors import RuleViolation
from aisc.core.grants.workflow import ApplicationStatus

FIRST_YEAR, LAST_YEAR = 1970, 2100

SCREENED_OUT = frozenset({ApplicationStatus.INELIGIBLE})
APPROVED = frozenset({ApplicationStatus.APPROVED, ApplicationStatus.APPROVED_IN_PART})
REJECTED = frozenset({ApplicationStatus.REJECTED})
COUNTS = ("received", "screened_out", "approved", "rejected")


def check_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise RuleViolation(
            "--year: must be between %(first_year)s and %(last_year)s, not %(year)s",
            field="year",
            params={"first_year": FIRST_YEAR, "last_year": LAST_YEAR, "year": year},
        )
    return year


def application_counts(rows: Iterable[tuple[str, str]]) -> dict[str, dict[str, int]]:
    """(call code, status) of each application received in the year → counts per call, in call
    order. Every received application counts once as received, and at most once in one outcome
    (still in review, returned or withdrawn: received only)."""
    per_call: dict[str, dict[str, int]] = {}
    for call, status in rows:
        counts = per_call.setdefault(call, dict.fromkeys(COUNTS, 0))
        counts["received"] += 1
        state = ApplicationStatus(status)
        if state in SCREENED_OUT:
            counts["screened_out"] += 1
        elif state in APPROVED:
            counts["approved"] += 1
        elif state in REJECTED:
            counts["rejected"] += 1
    return dict(sorted(per_call.items()))
