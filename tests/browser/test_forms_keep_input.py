"""Issue 16 item 4 in a real browser: the committee's decision, refused by a rule (a subsidy
above 70 % without a reason), comes back with everything typed and chosen, the reason asked for
beside its field; completing that one field records the decision."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from aisc.web.accounts.models import User
from aisc.web.grants import actions
from aisc.web.grants.models import Application, Award, Call
from tests.browser.test_grants_flow import (  # noqa: F401 - the fixtures this walk shares
    Login,
    as_user,
    clear_ledger,
    open_call,
)
from tests.fixtures.grants import attach, complete_fields

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def reviewed_in_browser(open_call: Call) -> Application:  # noqa: F811 - the imported fixture
    applicant = User.objects.get(email="startup@aisc.demo")
    organisation = applicant.memberships.get().organisation
    fields: dict[str, Any] = {
        **complete_fields(),
        "preferred_start": dt.date(2027, 1, 1),
        "gpus": 8,
    }
    application = actions.do_create_application(
        acting_user=applicant,
        call=open_call,
        organisation=organisation,
        title="Harbour legal LLM",
        **fields,
    )
    attach(application, applicant)
    actions.do_submit_application(acting_user=applicant, application=application)
    secretariat = User.objects.get(email="secretariat@aisc.demo")
    answers = dict.fromkeys(open_call.checklist_codes(), True)
    actions.do_screen(
        acting_user=secretariat, application=application, outcome="pass", answers=answers
    )
    reviewer = User.objects.get(email="reviewer@aisc.demo")
    review = actions.do_assign_reviewer(
        acting_user=secretariat, application=application, reviewer=reviewer
    )
    scores = {"alignment": 8, "compute": 7, "technical": 8, "financial": 6}
    actions.do_submit_review(acting_user=reviewer, review=review, scores=scores, comments={})
    return application


def test_a_refused_decision_keeps_what_the_committee_typed_and_asks_beside_the_field(
    page: Page, live_url: str, login: Login, reviewed_in_browser: Application
) -> None:
    as_user(page, login, "committee@aisc.demo")
    page.goto(f"{live_url}/grants/applications/{reviewed_in_browser.pk}/")
    form = page.locator("#decision-form")
    form.get_by_label("Outcome").select_option("approve")
    form.get_by_label("Subsidy rate (e.g. 0.70)").fill("0.80")
    form.get_by_label("Conditions").fill("Quarterly reports to the committee.")
    form.get_by_label("Notes").fill("Strong public benefit.")
    form.get_by_label("Members present").select_option(label="Cora Committee")
    form.get_by_role("button", name="Record decision").click()

    form = page.locator("#decision-form")
    reason = form.locator(".field.invalid")
    expect(reason).to_have_count(1)
    expect(reason.locator("label")).to_have_text("Exceptional reason (needed above 70%)")
    expect(reason.locator(".error")).to_contain_text("needs a recorded exceptional reason")
    expect(form.get_by_label("Outcome")).to_have_value("approve")
    expect(form.get_by_label("Subsidy rate (e.g. 0.70)")).to_have_value("0.80")
    expect(form.get_by_label("Conditions")).to_have_value("Quarterly reports to the committee.")
    expect(form.get_by_label("Notes")).to_have_value("Strong public benefit.")
    chosen = form.get_by_label("Members present").locator("option:checked")
    expect(chosen).to_have_text(["Cora Committee"])
    expect(page.locator("#app-status")).to_have_text("In review")

    form.get_by_label("Exceptional reason (needed above 70%)").fill("Public-interest model.")
    form.get_by_role("button", name="Record decision").click()
    expect(page.locator("#app-status")).to_have_text("Approved")
    award = Award.objects.get(application=reviewed_in_browser)
    assert (str(award.subsidy_rate), award.conditions) == (
        "0.80",
        "Quarterly reports to the committee.",
    )


def test_a_draft_value_refused_as_it_is_typed_shows_its_reason_beside_the_form(
    page: Page,
    live_url: str,
    login: Login,
    open_call: Call,  # noqa: F811 - the imported fixture
) -> None:
    # The save-as-you-go request is answered 422 with the live panel; htmx swaps it only because
    # base.html's htmx-config lets 422 through (htmx 2 drops 4xx bodies by default).
    as_user(page, login, "startup@aisc.demo")
    page.goto(f"{live_url}/grants/")
    page.get_by_label("Project title", exact=True).fill("Harbour legal LLM")
    page.get_by_role("button", name="Start an application").click()
    with page.expect_response(lambda r: r.request.method == "POST") as first:
        page.get_by_label("Preferred start", exact=True).fill("2027-01-01")
        page.get_by_label("Preferred start", exact=True).blur()
    assert first.value.status == 200
    with page.expect_response(lambda r: r.request.method == "POST") as answered:
        page.get_by_label("Months", exact=True).fill("600")
        page.get_by_label("Months", exact=True).blur()
    assert answered.value.status == 422
    expect(page.locator("#live .errors[role=alert]")).to_contain_text("Months")
    expect(page.get_by_label("Months", exact=True)).to_have_value("600")
    expect(page.locator("#application-form.htmx-request")).to_have_count(0)
