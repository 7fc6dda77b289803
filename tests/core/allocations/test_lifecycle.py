"""The allocation lifecycle and change-request decisions follow one table each."""

from __future__ import annotations

import datetime as dt

import pytest

from aisc.core.allocations.lifecycle import TRANSITIONS, Status, decide, due_event, transition
from aisc.core.errors import InvalidTransition


def test_an_allocation_goes_from_pending_to_active_to_exhausted_and_back_with_a_top_up() -> None:
    assert transition("pending", "activate") == Status.ACTIVE
    assert transition("active", "exhaust") == Status.EXHAUSTED
    assert transition("exhausted", "top_up") == Status.ACTIVE


def test_suspended_and_expired_allocations_can_be_resumed_extended_or_closed() -> None:
    assert transition("active", "suspend") == Status.SUSPENDED
    assert transition("suspended", "resume") == Status.ACTIVE
    assert transition("suspended", "expire") == Status.EXPIRED
    assert transition("expired", "extend") == Status.ACTIVE
    assert transition("expired", "close") == Status.CLOSED


def test_a_step_the_table_does_not_have_is_refused_naming_what_is_allowed() -> None:
    with pytest.raises(InvalidTransition, match="pending cannot top up; allowed: activate, close"):
        transition("pending", "top_up")


def test_a_closed_allocation_is_final() -> None:
    assert TRANSITIONS[Status.CLOSED] == {}
    with pytest.raises(InvalidTransition, match="none \\(it is final\\)") as info:
        transition("closed", "activate")
    assert info.value.field == "status"


def test_a_change_request_is_decided_once() -> None:
    assert decide("pending", "approve") == "approved"
    assert decide("pending", "reject") == "rejected"
    with pytest.raises(InvalidTransition, match="cannot be decided again"):
        decide("approved", "reject")


def test_the_calendar_activates_started_allocations_with_released_hours() -> None:
    start, end = dt.date(2026, 12, 1), dt.date(2027, 5, 31)
    assert due_event("pending", start, end, start, has_released=True) == "activate"
    assert due_event("pending", start, end, start, has_released=False) is None
    assert due_event("pending", start, end, start - dt.timedelta(days=1), has_released=True) is None
    assert due_event("active", start, end, end, has_released=True) is None


def test_the_calendar_expires_allocations_past_their_end_unless_already_final() -> None:
    start, end = dt.date(2026, 12, 1), dt.date(2027, 5, 31)
    after = end + dt.timedelta(days=1)
    assert due_event("active", start, end, after, has_released=True) == "expire"
    assert due_event("suspended", start, end, after, has_released=True) == "expire"
    assert due_event("pending", start, end, after, has_released=True) is None
    assert due_event("expired", start, end, after, has_released=True) is None
