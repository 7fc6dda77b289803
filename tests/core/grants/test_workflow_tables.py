"""Every lifecycle table of the grants domain, as a whole: complete, every state reachable from
the first, no state a dead end short of a final one, and `transition` agreeing with the table on
any run of moves."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.errors import InvalidTransition
from aisc.core.grants.workflow import (
    APPLICATION_TRANSITIONS,
    AWARD_TRANSITIONS,
    CALL_TRANSITIONS,
    DECISION_OUTCOMES,
    EDITABLE,
    FUNDED,
    REPORT_TRANSITIONS,
    REVIEW_TRANSITIONS,
    ApplicationStatus,
    AwardStatus,
    CallStatus,
    ReportStatus,
    ReviewStatus,
    transition,
)

A = ApplicationStatus
TABLES: list[tuple[str, type[StrEnum], Mapping, StrEnum]] = [  # type: ignore[type-arg]
    ("call", CallStatus, CALL_TRANSITIONS, CallStatus.DRAFT),
    ("application", ApplicationStatus, APPLICATION_TRANSITIONS, A.DRAFT),
    ("review", ReviewStatus, REVIEW_TRANSITIONS, ReviewStatus.ASSIGNED),
    ("award", AwardStatus, AWARD_TRANSITIONS, AwardStatus.APPROVED),
    ("report", ReportStatus, REPORT_TRANSITIONS, ReportStatus.SUBMITTED),
]
IDS = [name for name, *_ in TABLES]


def reachable(table: Mapping, start: StrEnum) -> set[StrEnum]:  # type: ignore[type-arg]
    seen, todo = {start}, [start]
    while todo:
        for nxt in table[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


@pytest.mark.parametrize(("name", "enum", "table", "first"), TABLES, ids=IDS)
def test_each_table_reaches_every_state_from_the_first_and_no_state_is_a_trap(
    name: str,
    enum: type[StrEnum],
    table: Mapping,  # type: ignore[type-arg]
    first: StrEnum,
) -> None:
    assert set(table) == set(enum)
    assert all(target in enum for targets in table.values() for target in targets)
    assert reachable(table, first) == set(enum)
    finals = {s for s in enum if not table[s]}
    assert finals  # every lifecycle ends
    for state in enum:
        assert reachable(table, state) & finals, f"{name}: {state} can never finish"
        assert state not in table[state]  # no edge back to itself: a move always changes state


def test_every_committee_decision_can_be_taken_in_review_and_after_a_deferral() -> None:
    for outcome, status in DECISION_OUTCOMES.items():
        assert status in APPLICATION_TRANSITIONS[A.IN_REVIEW], outcome
        if status is not A.DEFERRED:
            assert status in APPLICATION_TRANSITIONS[A.DEFERRED], outcome
    assert set(DECISION_OUTCOMES.values()) - {A.REJECTED, A.DEFERRED} == FUNDED
    # The applicant edits only what it can then (re)submit.
    assert all(A.SUBMITTED in APPLICATION_TRANSITIONS[s] for s in EDITABLE)
    # An applicant may withdraw at any point before a final decision against it.
    for state in set(A) - {A.INELIGIBLE, A.REJECTED, A.WITHDRAWN}:
        assert A.WITHDRAWN in APPLICATION_TRANSITIONS[state], state


@settings(max_examples=200)
@given(data=st.data(), which=st.sampled_from(TABLES))
def test_any_run_of_moves_follows_the_table_and_a_refusal_names_what_is_allowed(
    data: st.DataObject,
    which: tuple[str, type[StrEnum], Mapping, StrEnum],  # type: ignore[type-arg]
) -> None:
    name, enum, table, state = which
    for target in data.draw(st.lists(st.sampled_from(list(enum)), max_size=12)):
        if target in table[state]:
            state = transition(table, state, target, what=name)
            assert state is target
        else:
            with pytest.raises(InvalidTransition) as err:
                transition(table, state, target, what=name)
            assert f"{name} cannot move from {state.value} to {target.value}" in err.value.message
            allowed = ", ".join(sorted(table[state])) or "nothing (final state)"
            assert err.value.message.endswith(f"allowed: {allowed}")
            assert err.value.field == "status"
