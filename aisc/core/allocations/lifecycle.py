"""The one transition table of an allocation, and of a change request to it.

pending -> active -> suspended or exhausted -> expired or closed. Reversible steps exist where an
operator's decision undoes the cause: resume after a suspension, a top-up after exhaustion, an
extension after expiry.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from aisc.core.errors import InvalidTransition


class Status(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    EXHAUSTED = "exhausted"
    EXPIRED = "expired"
    CLOSED = "closed"


TRANSITIONS: dict[Status, dict[str, Status]] = {
    Status.PENDING: {"activate": Status.ACTIVE, "close": Status.CLOSED},
    Status.ACTIVE: {
        "suspend": Status.SUSPENDED,
        "exhaust": Status.EXHAUSTED,
        "expire": Status.EXPIRED,
        "close": Status.CLOSED,
    },
    Status.SUSPENDED: {"resume": Status.ACTIVE, "expire": Status.EXPIRED, "close": Status.CLOSED},
    Status.EXHAUSTED: {"top_up": Status.ACTIVE, "expire": Status.EXPIRED, "close": Status.CLOSED},
    Status.EXPIRED: {"extend": Status.ACTIVE, "close": Status.CLOSED},
    Status.CLOSED: {},
}

# Statuses whose accounts exist in Slurm; of those, these cannot start new jobs.
PROVISIONED = frozenset({Status.ACTIVE, Status.SUSPENDED, Status.EXHAUSTED, Status.EXPIRED})
NO_NEW_JOBS = frozenset({Status.SUSPENDED, Status.EXHAUSTED, Status.EXPIRED})
# Statuses that hold capacity in the guard.
COMMITTED = frozenset({Status.PENDING, Status.ACTIVE, Status.SUSPENDED, Status.EXHAUSTED})


def transition(status: str, event: str) -> Status:
    current = Status(status)
    allowed = TRANSITIONS[current]
    if event not in allowed:
        choices = ", ".join(sorted(allowed)) or "none (it is final)"
        raise InvalidTransition(
            "an allocation that is %(current)s cannot %(event)s; allowed: %(choices)s",
            field="status",
            params={"current": current.value, "event": event.replace("_", " "), "choices": choices},
        )
    return allowed[event]


class RequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


REQUEST_TRANSITIONS: dict[RequestStatus, dict[str, RequestStatus]] = {
    RequestStatus.PENDING: {"approve": RequestStatus.APPROVED, "reject": RequestStatus.REJECTED},
    RequestStatus.APPROVED: {},
    RequestStatus.REJECTED: {},
}


def decide(status: str, event: str) -> RequestStatus:
    current = RequestStatus(status)
    if event not in REQUEST_TRANSITIONS[current]:
        raise InvalidTransition(
            "a change request that is %(current)s cannot be decided again",
            field="status",
            params={"current": current.value},
        )
    return REQUEST_TRANSITIONS[current][event]


def approves_automatically(gpu_hours: Decimal, limit: Decimal | None) -> bool:
    """A chip exchange of at most `limit` GPU-hours (taken from the first chip) is approved on
    the spot by the system; a larger one, or any where no limit is set, waits for a person."""
    return limit is not None and gpu_hours <= limit


def due_event(
    status: str, start: dt.date, end: dt.date, today: dt.date, *, has_released: bool
) -> str | None:
    """What the calendar asks of an allocation today, if anything."""
    current = Status(status)
    if current == Status.PENDING and start <= today <= end and has_released:
        return "activate"
    if today > end and "expire" in TRANSITIONS[current]:
        return "expire"
    return None


class CreditStage(StrEnum):
    """Where an allocation's released budget stands: open, warned (the warning threshold
    reached), stopped (the stop threshold reached: no new jobs), expired (the award ended and the
    unused hours were written off). Each stage is reached once per released budget: a release or
    a top-up that raises the budget reopens it."""

    OPEN = "open"
    WARNED = "warned"
    STOPPED = "stopped"
    EXPIRED = "expired"


CREDIT_TRANSITIONS: dict[CreditStage, dict[str, CreditStage]] = {
    CreditStage.OPEN: {
        "warn": CreditStage.WARNED,
        "stop": CreditStage.STOPPED,
        "expire": CreditStage.EXPIRED,
    },
    CreditStage.WARNED: {
        "stop": CreditStage.STOPPED,
        "expire": CreditStage.EXPIRED,
        "reopen": CreditStage.OPEN,
    },
    CreditStage.STOPPED: {"expire": CreditStage.EXPIRED, "reopen": CreditStage.OPEN},
    CreditStage.EXPIRED: {},
}


def credit_transition(stage: str, event: str) -> CreditStage:
    current = CreditStage(stage)
    allowed = CREDIT_TRANSITIONS[current]
    if event not in allowed:
        choices = ", ".join(sorted(allowed)) or "none (it is final)"
        raise InvalidTransition(
            "a budget that is %(current)s cannot %(event)s; allowed: %(choices)s",
            field="credit_stage",
            params={"current": current.value, "event": event, "choices": choices},
        )
    return allowed[event]
