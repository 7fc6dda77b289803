"""A refused form comes back as it was typed (issue 16 item 4): the decision, screening, review
and conflict forms re-render on the application page after a form error or a rule refusal from
the do_* action, with every posted value and chosen option, and the message beside its field
under the field's visible label, in the user's language; nothing is saved."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

import pytest
from django.test import Client

from aisc.web.accounts.models import User
from aisc.web.grants.models import Application, Award, Review
from tests.fixtures.pages import as_client

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

pytestmark = pytest.mark.django_db


def form_html(response: TestResponse, form_id: str) -> str:
    page = response.content.decode()
    found = re.search(rf'<form [^>]*id="{form_id}".*?</form>', page, re.S)
    assert found, f"no #{form_id} on the page"
    return str(found.group(0))


def field_block(html: str, label: str) -> str:
    """The field's wrapper: its label, its input and the errors shown beside it."""
    blocks: list[str] = re.findall(r'<div class="field[^"]*">.*?</div>', html, re.S)
    [block] = [b for b in blocks if f">{label}" in b]
    return block


def decide(client: Client, application: Application, posted: Mapping[str, object]) -> TestResponse:
    return client.post(f"/grants/applications/{application.pk}/decide", posted)


def test_a_decision_refused_by_a_rule_keeps_every_value_and_says_why_beside_the_field(
    reviewed: Application, committee: User
) -> None:
    posted = {
        "outcome": "approve",
        "subsidy_rate": "0.80",
        "members_present": [committee.pk],
        "conditions": "Quarterly reports to the committee.",
        "conflicts_declared": "None declared.",
        "notes": "Strong on alignment.",
        "first_tranche": "0.40",
    }
    response = decide(as_client(committee), reviewed, posted)
    assert response.status_code == 422
    html = form_html(response, "decision-form")
    assert '<option value="approve" selected>' in html
    assert f'<option value="{committee.pk}" selected>' in html
    assert 'value="0.80"' in html
    assert 'value="0.40"' in html
    assert "Quarterly reports to the committee.</textarea>" in html
    assert 'value="None declared."' in html
    assert 'value="Strong on alignment."' in html
    beside = field_block(html, "Exceptional reason (needed above 70%)")
    assert 'class="field invalid"' in beside
    assert "a subsidy above 70% needs a recorded exceptional reason" in beside
    assert not Award.objects.exists()
    reviewed.refresh_from_db()
    assert reviewed.status == "in_review"


def test_a_decision_refused_by_the_form_keeps_the_other_values(
    reviewed: Application, committee: User
) -> None:
    posted = {
        "outcome": "approve_in_part",
        "gpus": "8",
        "months": "0",
        "members_present": [committee.pk],
        "notes": "Half the GPUs.",
    }
    response = decide(as_client(committee), reviewed, posted)
    assert response.status_code == 422
    html = form_html(response, "decision-form")
    assert '<option value="approve_in_part" selected>' in html
    assert 'value="8"' in html
    assert 'value="Half the GPUs."' in html
    assert "greater than or equal to 1" in field_block(html, "Months (approval in part)")
    assert not Award.objects.exists()


def test_a_rule_on_the_awarded_size_is_shown_beside_the_gpus_field(
    reviewed: Application, committee: User
) -> None:
    posted = {"outcome": "approve_in_part", "gpus": "32", "members_present": [committee.pk]}
    html = form_html(decide(as_client(committee), reviewed, posted), "decision-form")
    assert "cannot give more than was asked" in field_block(html, "GPUs (approval in part)")
    assert 'value="32"' in html


def test_in_chinese_the_refusal_and_the_label_beside_it_are_in_chinese(
    reviewed: Application, committee: User
) -> None:
    client = as_client(committee)
    client.cookies["django_language"] = "zh-hant"
    posted = {"outcome": "approve_in_part", "members_present": [committee.pk]}
    response = decide(client, reviewed, posted)
    assert response.status_code == 422
    html = form_html(response, "decision-form")
    beside = field_block(html, "GPU 數目（部分批准）")
    assert "部分批准須給予較少的 GPU 或較少的月數" in beside
    assert "fewer GPUs" not in html


def test_a_refused_screening_keeps_the_outcome_the_ticks_and_the_message_field(
    submitted: Application, secretariat: User
) -> None:
    codes = submitted.call.checklist_codes()
    posted = {"outcome": "return", "message": "   ", f"check_{codes[0]}": "on"}
    response = as_client(secretariat).post(f"/grants/applications/{submitted.pk}/screen", posted)
    assert response.status_code == 422
    html = form_html(response, "screening-form")
    assert '<option value="return" selected>' in html
    assert re.search(rf'name="check_{codes[0]}"[^>]*checked', html)
    assert not re.search(rf'name="check_{codes[1]}"[^>]*checked', html)
    assert "tell the applicant why, in a message" in field_block(html, "Message to the applicant")
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_a_refused_review_keeps_every_score_and_comment(
    in_review: Application, secretariat: User, reviewers: list[User]
) -> None:
    from aisc.web.grants import actions

    review: Review = actions.do_assign_reviewer(
        acting_user=secretariat, application=in_review, reviewer=reviewers[0]
    )
    codes = [c.code for c in in_review.call.criteria()]
    posted = {f"score_{code}": "7" for code in codes}
    posted[f"score_{codes[0]}"] = "11"
    posted[f"comment_{codes[1]}"] = "Convincing compute plan."
    response = as_client(reviewers[0]).post(f"/grants/reviews/{review.pk}", posted)
    assert response.status_code == 422
    html = form_html(response, "review-form")
    assert 'value="11"' in html
    assert html.count('value="7"') == len(codes) - 1
    assert "Convincing compute plan.</textarea>" in html
    errors = response.context["review_form"].errors
    assert list(errors) == [f"score_{codes[0]}"]
    review.refresh_from_db()
    assert review.status == "assigned"
