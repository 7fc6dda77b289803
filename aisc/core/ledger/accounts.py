"""Account codes of the fund ledger.

Codes are strings with a kind and a path, e.g. ``commitment:aiss/c2026a/p2026a-003``. The path
carries the hierarchy scheme / call / project, so the fund views (per scheme, per call) are sums
over a prefix and need no lookup tables.

Sign convention: a posting's amount is positive for a debit and negative for a credit; the balance
of an account is the sum of its postings.
"""

from __future__ import annotations

import re
from enum import StrEnum

from aisc.core.errors import RuleViolation


class Kind(StrEnum):
    APPROPRIATION = "appropriation"  # money voted to a scheme (credit balance)
    FUND = "fund"  # scheme money not yet given to a call
    CALL = "call"  # call budget not yet committed to awards
    COMMITMENT = "commitment"  # committed to an award
    DISBURSED = "disbursed"  # subsidy actually consumed by an award's usage
    RECEIVABLE = "receivable"  # what a grantee organisation owes the centre
    REVENUE = "revenue"  # the centre's billed usage at list price
    ADJUSTMENT = "adjustment"  # late usage and corrections billed after their period closed
    CASH = "cash"  # money the centre has received from organisations
    RECOVERY = "recovery"  # claimed back from an award on a recovery invoice, not yet settled
    EXPIRED = "expired"  # committed subsidy of GPU-hours that expired unused, written off


_SEGMENT = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,62}$")


def _segment(value: str, field: str) -> str:
    if not _SEGMENT.match(value):
        raise RuleViolation(
            (
                "%(field)s: must be a lowercase slug of letters, digits, '-', "
                "'_' or '.' (got %(value)s)"
            ),
            field=field,
            params={"field": field, "value": f"{value!r}"},
        )
    return value


def appropriation(scheme: str) -> str:
    return f"{Kind.APPROPRIATION}:{_segment(scheme, 'scheme')}"


def fund(scheme: str) -> str:
    return f"{Kind.FUND}:{_segment(scheme, 'scheme')}"


def call(scheme: str, call_code: str) -> str:
    return f"{Kind.CALL}:{_segment(scheme, 'scheme')}/{_segment(call_code, 'call')}"


def _award_path(scheme: str, call_code: str, project: str) -> str:
    return (
        f"{_segment(scheme, 'scheme')}/{_segment(call_code, 'call')}/{_segment(project, 'project')}"
    )


def commitment(scheme: str, call_code: str, project: str) -> str:
    return f"{Kind.COMMITMENT}:{_award_path(scheme, call_code, project)}"


def disbursed(scheme: str, call_code: str, project: str) -> str:
    return f"{Kind.DISBURSED}:{_award_path(scheme, call_code, project)}"


def recovery(scheme: str, call_code: str, project: str) -> str:
    return f"{Kind.RECOVERY}:{_award_path(scheme, call_code, project)}"


def expired(scheme: str, call_code: str, project: str) -> str:
    return f"{Kind.EXPIRED}:{_award_path(scheme, call_code, project)}"


def receivable(organisation: str) -> str:
    return f"{Kind.RECEIVABLE}:{_segment(organisation, 'organisation')}"


REVENUE = f"{Kind.REVENUE}:centre"
ADJUSTMENT = f"{Kind.ADJUSTMENT}:centre"
CASH = f"{Kind.CASH}:centre"


def kind_of(code: str) -> Kind:
    head, sep, _ = code.partition(":")
    try:
        kind = Kind(head)
    except ValueError:
        kind = None
    if not sep or kind is None:
        raise RuleViolation(
            "account: must start with one of %(value)s and ':' (got %(code)s)",
            field="account",
            params={"value": ", ".join(k.value for k in Kind), "code": f"{code!r}"},
        )
    return kind


def path_of(code: str) -> tuple[str, ...]:
    """The path segments after the kind: (scheme,), (scheme, call) or (scheme, call, project)."""
    kind_of(code)
    return tuple(code.partition(":")[2].split("/"))
