"""The lifecycle of an organisation's verification: ONE transition table, and the rule that only
a verified organisation submits an application.

An organisation registered by a person through the portal waits for the secretariat, who checks
its registration document and verifies or refuses it (with a reason); a refused one may send a
new document, which puts it back in the secretariat's queue. Organisations created by staff (the
admin, the organisation API, the demo) are verified by whoever created them.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from aisc.core.errors import RuleViolation


class OrganisationStatus(StrEnum):
    PENDING = "pending"  # registered, waiting for the secretariat
    VERIFIED = "verified"
    REFUSED = "refused"


S = OrganisationStatus

ORGANISATION_TRANSITIONS: Mapping[OrganisationStatus, frozenset[OrganisationStatus]] = {
    S.PENDING: frozenset({S.VERIFIED, S.REFUSED}),
    S.REFUSED: frozenset({S.PENDING}),
    S.VERIFIED: frozenset(),
}

# The kinds a person may choose when registering; "other" stays for staff to set.
SELF_REGISTERED_KINDS = ("university", "rd_institute", "startup", "enterprise")


def check_may_submit(status: OrganisationStatus) -> None:
    """An application is submitted only for an organisation the secretariat has verified."""
    if status != S.VERIFIED:
        raise RuleViolation(
            "your organisation is not verified yet: an organisation may submit an application "
            "only once the secretariat has verified its registration",
            field="organisation",
        )


def check_refusal_reason(reason: str) -> str:
    """A refusal always says why: the organisation is told, and may answer with a new document."""
    reason = reason.strip()
    if not reason:
        raise RuleViolation("a refusal must give its reason", field="reason")
    return reason
