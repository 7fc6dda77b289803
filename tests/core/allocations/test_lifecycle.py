"""The allocation lifecycle and change-request decisions follow one table each."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.allocations.lifecycle import (
    COMMITTED,
    NO_NEW_JOBS,
    PROVISIONED,
    REQUEST_TRANSITIONS,
    TRANSITIONS,
    RequestStatus,
    Status,
    approves_automatically,
    decide,
    due_event,
    transition,
)
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


EVENTS = sorted({event for edges in TRANSITIONS.values() for event in edges})


def reachable(start: Status) -> set[Status]:
    seen, todo = {start}, [start]
    while todo:
        for nxt in TRANSITIONS[todo.pop()].values():
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_every_status_is_reachable_from_pending_and_every_one_can_still_be_closed() -> None:
    assert reachable(Status.PENDING) == set(Status)
    for status in Status:
        assert Status.CLOSED in reachable(status)
    assert TRANSITIONS[Status.CLOSED] == {}  # closed is the only final status


def test_the_status_sets_agree_with_the_table() -> None:
    assert NO_NEW_JOBS <= PROVISIONED  # a status that blocks jobs has an account to block
    assert Status.EXHAUSTED in NO_NEW_JOBS  # the credit stop: no new jobs at 100 %
    assert Status.PENDING not in PROVISIONED
    assert Status.CLOSED not in PROVISIONED
    assert Status.CLOSED not in COMMITTED
    assert Status.EXPIRED not in COMMITTED


@settings(max_examples=200)
@given(st.lists(st.sampled_from(EVENTS), max_size=15))
def test_any_run_of_events_moves_only_along_the_table_and_refusals_change_nothing(
    events: list[str],
) -> None:
    status = Status.PENDING
    for event in events:
        allowed = TRANSITIONS[status]
        if event in allowed:
            status = transition(status, event)
            assert status is allowed[event]
        else:
            with pytest.raises(InvalidTransition, match=f"cannot {event.replace('_', ' ')}") as err:
                transition(status, event)
            assert err.value.field == "status"
    assert status in Status


@settings(max_examples=200)
@given(
    status=st.sampled_from(list(Status)),
    start=st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    length=st.integers(1, 400),
    today=st.dates(dt.date(2025, 12, 1), dt.date(2028, 2, 1)),
    released=st.booleans(),
)
def test_the_calendar_only_ever_asks_for_a_step_the_table_allows(
    status: Status, start: dt.date, length: int, today: dt.date, released: bool
) -> None:
    end = start + dt.timedelta(days=length)
    event = due_event(status, start, end, today, has_released=released)
    if event is not None:
        transition(status, event)  # never raises
    if event == "activate":
        assert start <= today <= end
        assert released
    if event == "expire":
        assert today > end
    if status is Status.ACTIVE and today <= end:
        assert event is None  # an active allocation inside its window is left alone


@pytest.mark.parametrize("event", ["approve", "reject"])
def test_a_request_is_decided_once_whichever_way(event: str) -> None:
    decided = decide("pending", event)
    assert REQUEST_TRANSITIONS[decided] == {}
    for again in ("approve", "reject"):
        with pytest.raises(InvalidTransition, match="cannot be decided again"):
            decide(decided, again)
    assert decided in (RequestStatus.APPROVED, RequestStatus.REJECTED)


def test_an_exchange_up_to_the_limit_is_approved_automatically_and_a_larger_one_waits() -> None:
    limit = Decimal(100)
    assert approves_automatically(Decimal(100), limit)
    assert approves_automatically(Decimal("0.01"), limit)
    assert not approves_automatically(Decimal("100.01"), limit)


def test_no_limit_means_every_exchange_waits_for_a_person() -> None:
    assert not approves_automatically(Decimal(1), None)
