"""Who may apply and when an application is complete: blanks found in form order, every rule
naming the field it is about."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.errors import RuleViolation
from aisc.core.grants.eligibility import (
    check_checklist,
    check_complete,
    check_eligible,
    missing_fields,
)

FIELDS = ["title", "summary", "parameters", "tokens", "consent"]
BLANKS = [None, False, "", "   ", "\t\n"]
FILLED = ["x", " a ", 0, 0.0, 7, True, [], "0"]  # zero is an answer, not a blank


ANSWERS = [(True, v) for v in BLANKS] + [(False, v) for v in FILLED]  # (blank?, value)


@settings(max_examples=200)
@given(st.fixed_dictionaries({}, optional={f: st.sampled_from(ANSWERS) for f in FIELDS}))
def test_missing_fields_are_exactly_the_blank_required_ones_in_form_order(
    answers: dict[str, tuple[bool, Any]],
) -> None:
    values = {name: value for name, (_, value) in answers.items()}
    missing = missing_fields(values, FIELDS)
    assert missing == [f for f in FIELDS if f not in answers or answers[f][0]]
    if missing:
        with pytest.raises(RuleViolation, match=", ".join(missing)) as err:
            check_complete(missing)
        assert err.value.field == missing[0]  # the form points at the first
    else:
        check_complete(missing)


@pytest.mark.parametrize(
    ("kind", "eligible", "ok"),
    [
        ("university", ["university", "rd_centre"], True),
        ("company", ["university", "rd_centre"], False),
        ("University", ["university"], False),  # codes are exact
        ("university", [], False),
    ],
)
def test_only_the_schemes_organisation_types_may_apply(
    kind: str, eligible: list[str], ok: bool
) -> None:
    if ok:
        check_eligible(kind, eligible)
        return
    with pytest.raises(RuleViolation, match=f"type {kind!r} may not apply") as err:
        check_eligible(kind, eligible)
    assert err.value.field == "organisation"
    assert f"(eligible: {', '.join(sorted(eligible))})" in err.value.message


@settings(max_examples=150)
@given(st.dictionaries(st.sampled_from(["a", "b", "c"]), st.booleans()))
def test_screening_passes_only_when_every_item_is_ticked(answers: dict[str, bool]) -> None:
    items = ["a", "b", "c"]
    unticked = [i for i in items if not answers.get(i)]
    if not unticked:
        check_checklist(items, answers)
        return
    with pytest.raises(RuleViolation, match="not met: " + ", ".join(unticked)) as err:
        check_checklist(items, answers)
    assert err.value.field == unticked[0]
