"""A call's rubric and screening checklist, set on the new-call page and edited on their own page
until reviews and screening have used them."""

from __future__ import annotations

from typing import Any

import pytest

from aisc.core.errors import RuleViolation
from aisc.web.accounts.models import User
from aisc.web.audit.models import AuditEvent
from aisc.web.grants import actions
from aisc.web.grants.models import Application, Call, Scheme, default_checklist, default_rubric
from tests.fixtures.pages import as_client

FORM = {
    "code": "c2027a",
    "title_en": "2027 first call",
    "opens_on": "2027-01-01",
    "closes_on": "2027-03-31",
    "period_start": "2027-04-01",
    "period_end": "2028-03-31",
}

TWO_CRITERIA = [
    {
        "code": "impact",
        "name_en": "Impact",
        "name_zh": "影響",
        "weight": 60,
        "guidance": "Why",
        "guidance_zh": "為何",
    },
    {"code": "plan", "name_en": "Plan", "name_zh": "", "weight": 40, "guidance": ""},
]
ONE_ITEM = [{"code": "hk_registered", "label_en": "Registered in HK", "label_zh": "在香港註冊"}]


def formset(
    prefix: str, rows: list[dict[str, Any]], deleted: tuple[int, ...] = ()
) -> dict[str, Any]:
    """POST data of a formset as the browser sends it: management form, then each row."""
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
        if i in deleted:
            data[f"{prefix}-{i}-DELETE"] = "on"
    return data


def criteria(rubric: list[dict[str, Any]], checklist: list[dict[str, Any]]) -> dict[str, Any]:
    return {**formset("rubric", rubric), **formset("checklist", checklist)}


def new_call(scheme: Scheme, **parts: Any) -> dict[str, Any]:
    return {**FORM, "scheme": scheme.pk, "budget": "1000000", **parts}


def test_the_new_call_page_offers_the_default_rubric_and_checklist(
    scheme: Scheme, secretariat: User
) -> None:
    body = as_client(secretariat).get("/grants/calls/new").content.decode()
    assert 'name="rubric-TOTAL_FORMS" value="5"' in body  # four defaults and an empty row
    assert 'value="alignment"' in body
    assert 'value="no_double_funding"' in body


def test_the_secretariat_opens_a_call_with_its_own_rubric_and_checklist(
    scheme: Scheme, secretariat: User
) -> None:
    data = new_call(scheme, **criteria(TWO_CRITERIA, ONE_ITEM))
    response = as_client(secretariat).post("/grants/calls/new", data)
    assert response.status_code == 302, response.content.decode()
    call = Call.objects.get(code="c2027a")
    assert [(c.code, c.weight) for c in call.criteria()] == [("impact", 60), ("plan", 40)]
    assert call.criteria()[0].name_zh == "影響"
    assert call.criteria()[0].guidance_zh == "為何"
    assert call.checklist == ONE_ITEM


def test_weights_that_do_not_sum_to_100_are_refused_next_to_the_rubric(
    scheme: Scheme, secretariat: User
) -> None:
    short = [{**TWO_CRITERIA[0], "weight": 50}, TWO_CRITERIA[1]]
    response = as_client(secretariat).post(
        "/grants/calls/new", new_call(scheme, **criteria(short, ONE_ITEM))
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="rubric-errors"' in body
    assert "criterion weights must sum to 100 (they sum to 90)" in body
    assert not Call.objects.filter(code="c2027a").exists()


def test_a_deleted_row_does_not_count_towards_the_weights(
    scheme: Scheme, secretariat: User
) -> None:
    rows = [*TWO_CRITERIA, {"code": "extra", "name_en": "Extra", "weight": 10}]
    data = new_call(
        scheme, **formset("rubric", rows, deleted=(2,)), **formset("checklist", ONE_ITEM)
    )
    response = as_client(secretariat).post("/grants/calls/new", data)
    assert response.status_code == 302
    assert [c.code for c in Call.objects.get(code="c2027a").criteria()] == ["impact", "plan"]


def test_a_checklist_with_repeated_codes_is_refused_next_to_the_checklist(
    scheme: Scheme, secretariat: User
) -> None:
    twice = [ONE_ITEM[0], {**ONE_ITEM[0], "label_en": "Again"}]
    response = as_client(secretariat).post(
        "/grants/calls/new", new_call(scheme, **criteria(TWO_CRITERIA, twice))
    )
    assert response.status_code == 422
    assert 'id="checklist-errors"' in response.content.decode()
    assert "checklist codes must be unique" in response.content.decode()


def test_a_bad_weight_is_refused_next_to_its_cell(scheme: Scheme, secretariat: User) -> None:
    bad = [{**TWO_CRITERIA[0], "weight": "lots"}, TWO_CRITERIA[1]]
    response = as_client(secretariat).post(
        "/grants/calls/new", new_call(scheme, **criteria(bad, ONE_ITEM))
    )
    assert response.status_code == 422
    assert "Enter a whole number." in response.content.decode()


def test_a_rubric_left_empty_is_refused(scheme: Scheme, secretariat: User) -> None:
    response = as_client(secretariat).post(
        "/grants/calls/new", new_call(scheme, **criteria([], ONE_ITEM))
    )
    assert response.status_code == 422
    assert "a rubric needs at least one criterion" in response.content.decode()


def test_the_secretariat_edits_a_calls_rubric_before_any_review_and_it_is_audited(
    call: Call, secretariat: User
) -> None:
    response = as_client(secretariat).post(
        f"/grants/calls/{call.pk}/criteria", criteria(TWO_CRITERIA, ONE_ITEM)
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert [c.code for c in call.criteria()] == ["impact", "plan"]
    event = AuditEvent.objects.get(verb="grants.call.criteria")
    assert event.before is not None
    assert event.after is not None
    assert event.before["rubric"] == default_rubric()
    assert event.after["checklist"] == ONE_ITEM


def test_the_criteria_page_shows_what_the_call_holds(call: Call, secretariat: User) -> None:
    body = as_client(secretariat).get(f"/grants/calls/{call.pk}/criteria").content.decode()
    assert "c2026a" in body
    assert 'value="financial"' in body


def test_the_rubric_locks_once_a_review_is_submitted_and_nothing_changes(
    reviewed: Application, secretariat: User
) -> None:
    call = reviewed.call
    response = as_client(secretariat).post(
        f"/grants/calls/{call.pk}/criteria", criteria(TWO_CRITERIA, call.checklist)
    )
    assert response.status_code == 422
    assert "the rubric cannot change once a review has been submitted" in response.content.decode()
    call.refresh_from_db()
    assert call.rubric == default_rubric()


def test_the_checklist_locks_once_an_application_is_screened(in_review: Application) -> None:
    call = in_review.call
    with pytest.raises(RuleViolation, match="once an application has been screened") as err:
        actions.do_set_call_criteria(
            acting_user=None, call=call, criteria=call.rubric, checklist=ONE_ITEM
        )
    assert err.value.field == "checklist"


def test_after_screening_the_rubric_may_still_change_when_the_checklist_stays(
    in_review: Application,
) -> None:
    call = in_review.call
    actions.do_set_call_criteria(
        acting_user=None, call=call, criteria=TWO_CRITERIA, checklist=default_checklist()
    )
    call.refresh_from_db()
    assert [c.code for c in call.criteria()] == ["impact", "plan"]


def test_only_the_secretariat_edits_a_calls_criteria(
    call: Call, committee: User, applicant: User
) -> None:
    for user in (committee, applicant):
        response = as_client(user).post(
            f"/grants/calls/{call.pk}/criteria", criteria(TWO_CRITERIA, ONE_ITEM)
        )
        assert response.status_code == 403
    call.refresh_from_db()
    assert call.rubric == default_rubric()


def test_the_criteria_page_reads_in_traditional_chinese(call: Call, secretariat: User) -> None:
    client = as_client(secretariat)
    client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/grants/"})
    body = client.get(f"/grants/calls/{call.pk}/criteria").content.decode()
    assert "評審準則及審查清單" in body
    assert "比重（%）" in body
