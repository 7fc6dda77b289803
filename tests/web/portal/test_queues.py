"""The dashboard's work queues: each role sees its work, each item links to the page where the work
is done (and that page opens for the user), and nothing shows that the user may not open."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from aisc.web.accounts.models import Organisation, Role, User
from aisc.web.allocations.models import Allocation
from aisc.web.billing.models import BillingPeriod, Statement
from aisc.web.grants import actions
from aisc.web.grants.models import Application, Call
from aisc.web.outbox.models import OutboxMessage, State
from tests.fixtures.grants import attach, complete_fields


@pytest.fixture(autouse=True)
def grants_world(files_dir: object, price: object, inventory: object) -> None:
    """Applications need upload space, an H800 rate card and the demo cluster's nodes."""


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    """A zh-Hant request leaves its language active in the thread; the next test reads English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def dashboard(client: Client) -> str:
    response = client.get("/dashboard/")
    assert response.status_code == 200
    return response.content.decode()


def link_to(page: str, text: str) -> str:
    """The href of the queue item whose text contains `text`."""
    found = re.search(r'<a href="([^"]+)">[^<]*' + re.escape(text), page)
    assert found is not None, f"no queue item with {text!r}"
    return found.group(1)


def section(page: str, key: str) -> str:
    found = re.search(rf'<section class="queue" id="queue-{key}".*?</section>', page, re.S)
    assert found is not None, f"no {key} section"
    return found.group(0)


def test_an_applicant_sees_a_draft_linking_to_its_form(
    draft: Application, applicant: User, logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(applicant)
    page = dashboard(client)
    url = link_to(page, "Draft to finish: Cantonese LLM")
    assert url == f"/grants/applications/{draft.pk}/edit"
    assert client.get(url).status_code == 200


def test_an_applicant_does_not_see_another_organisations_drafts(
    draft: Application,
    call: Call,
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
    logged_in: Callable[[User], Client],
) -> None:
    theirs = make_org(name_en="Their Lab")
    owner = make_user(org=theirs)
    actions.do_create_application(
        acting_user=owner, call=call, organisation=theirs, title="Their secret", **complete_fields()
    )
    page = dashboard(logged_in(owner))
    assert "Their secret" in page
    assert "Cantonese LLM" not in page


def test_staff_do_not_see_drafts_in_their_queues(
    draft: Application, make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    page = dashboard(logged_in(make_user(Role.SECRETARIAT, Role.COMMITTEE, Role.REVIEWER)))
    assert "Cantonese LLM" not in page


def test_an_applicant_sees_a_returned_application_linking_to_its_form(
    submitted: Application,
    applicant: User,
    secretariat: User,
    logged_in: Callable[[User], Client],
) -> None:
    answers = dict.fromkeys(submitted.call.checklist_codes(), True)
    actions.do_screen(
        acting_user=secretariat,
        application=submitted,
        outcome="return",
        answers=answers,
        message="Add the budget.",
    )
    page = dashboard(logged_in(applicant))
    assert link_to(page, "Returned for changes") == f"/grants/applications/{submitted.pk}/edit"


def test_a_grantee_sees_the_award_and_a_returned_report_linking_to_the_award_page(
    story: Any, make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    secretariat = make_user(Role.SECRETARIAT)
    actions.do_return_report(acting_user=secretariat, report=story.report, message="More detail")
    owner = story.award.organisation.memberships.get().user
    client = logged_in(owner)
    page = dashboard(client)
    award_url = f"/grants/awards/{story.award.pk}/"
    assert link_to(page, f"Award {story.award.project_code}") == award_url
    assert link_to(page, "Progress report returned for changes") == award_url
    assert client.get(award_url).status_code == 200


def test_a_grantee_sees_a_statement_to_pay_with_its_amount_grouped(
    story: Any, logged_in: Callable[[User], Client]
) -> None:
    period = BillingPeriod.objects.create(month="2026-10")
    statement = Statement.objects.create(
        period=period,
        project_code=story.award.project_code,
        organisation=story.award.organisation,
        subsidised=True,
        list_cents=246_912_00,
        subsidy_cents=123_456_00,
        due_cents=123_456_00,
        gpu_seconds=3600,
    )
    owner = story.award.organisation.memberships.get().user
    client = logged_in(owner)
    page = dashboard(client)
    url = link_to(page, "Statement 2026-10")
    assert url == f"/billing/statements/{statement.pk}/"
    assert "HK$123,456.00 to pay" in page
    assert client.get(url).status_code == 200


def test_a_reviewer_sees_an_assigned_review_with_its_due_date(
    in_review: Application,
    secretariat: User,
    reviewers: list[User],
    logged_in: Callable[[User], Client],
) -> None:
    actions.do_assign_reviewer(
        acting_user=secretariat, application=in_review, reviewer=reviewers[0]
    )
    client = logged_in(reviewers[0])
    page = section(dashboard(client), "reviewer")
    url = link_to(page, "Review: Cantonese LLM")
    assert url == f"/grants/applications/{in_review.pk}/"
    assert "due by" in page
    assert client.get(url).status_code == 200
    # the other reviewer, not assigned, sees nothing of it
    assert "Cantonese LLM" not in dashboard(logged_in(reviewers[1]))


def test_the_committee_sees_the_calls_ranking_and_each_application_to_decide(
    reviewed: Application, committee: User, logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(committee)
    page = section(dashboard(client), "committee")
    ranking_url = link_to(page, f"Ranking of {reviewed.call.code}")
    assert ranking_url == f"/grants/calls/{reviewed.call.pk}/ranking"
    assert link_to(page, "#1 Cantonese LLM") == f"/grants/applications/{reviewed.pk}/"
    assert "score 73.00, within the budget" in page
    assert client.get(ranking_url).status_code == 200


def test_the_secretariat_sees_applications_to_screen_and_to_assign(
    submitted: Application,
    call: Call,
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
    secretariat: User,
    logged_in: Callable[[User], Client],
) -> None:
    other = make_org(name_en="Second Lab")
    owner = make_user(org=other)
    second = actions.do_create_application(
        acting_user=owner, call=call, organisation=other, title="Second one", **complete_fields()
    )
    attach(second, owner)
    actions.do_submit_application(acting_user=owner, application=second)
    answers = dict.fromkeys(call.checklist_codes(), True)
    actions.do_screen(acting_user=secretariat, application=second, outcome="pass", answers=answers)
    client = logged_in(secretariat)
    page = section(dashboard(client), "secretariat")
    assert link_to(page, "To screen: Cantonese LLM") == f"/grants/applications/{submitted.pk}/"
    url = link_to(page, "Reviewers to assign: Second one")
    assert url == f"/grants/applications/{second.pk}/"
    assert client.get(url).status_code == 200


def test_the_secretariat_sees_a_report_to_decide(
    story: Any, secretariat: User, logged_in: Callable[[User], Client]
) -> None:
    page = section(dashboard(logged_in(secretariat)), "secretariat")
    url = link_to(page, f"Report to decide: {story.award.project_code}")
    assert url == f"/grants/awards/{story.award.pk}/"


def test_an_operator_sees_slurm_drift_and_dead_letters(
    story: Any, make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    allocation = Allocation.objects.get(award=story.award)
    Allocation.objects.filter(pk=allocation.pk).update(
        sync_status="drift", sync_message="QOS differs"
    )
    OutboxMessage.objects.create(kind="mail", payload={}, state=State.DEAD)
    client = logged_in(make_user(Role.OPERATOR))
    page = section(dashboard(client), "operator")
    url = link_to(page, f"Differs from Slurm: {allocation.project_code}")
    assert url == f"/allocations/{allocation.project_code}/"
    assert "QOS differs" in page
    assert link_to(page, "Messages that failed and wait for you: 1") == "/outbox/"
    assert client.get(url).status_code == 200
    assert client.get("/outbox/").status_code == 200


def test_finance_sees_a_past_billing_period_to_close(
    make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    BillingPeriod.objects.create(month="2020-01")
    client = logged_in(make_user(Role.FINANCE))
    page = section(dashboard(client), "finance")
    assert link_to(page, "Billing period to close: 2020-01") == "/billing/periods/"
    assert client.get("/billing/periods/").status_code == 200


def test_a_role_with_nothing_waiting_says_so(
    make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    page = section(dashboard(logged_in(make_user(Role.FINANCE))), "finance")
    assert "Nothing waiting here." in page


def test_a_user_with_no_role_and_no_organisation_sees_the_empty_state(
    make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    page = dashboard(logged_in(make_user()))
    assert "No work waits for you" in page
    assert 'class="queue"' not in page


def test_the_queues_read_in_traditional_chinese(
    draft: Application, applicant: User, logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(applicant)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hant"
    page = dashboard(client)
    assert "Draft to finish" not in page
    assert "Cantonese LLM" in page
    assert "待完成的草稿" in page


def test_an_applicant_with_many_drafts_sees_ten_and_the_rest_counted(
    draft: Application, applicant: User
) -> None:
    from aisc.web.queues.read import SHOWN, applicant_queue

    for n in range(SHOWN + 2):
        draft.pk = None
        draft.title = f"Copy {n}"
        draft.save()
    queue = applicant_queue(applicant, dt.date(2026, 12, 6))
    assert len(queue.items) == SHOWN
    assert queue.total == SHOWN + 3
    assert queue.more == 3
