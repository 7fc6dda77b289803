"""Money moves only after a page stating the consequence, and never before the award starts: a
tranche released earlier waits (pending) and the worker releases it on the start date; a
cancelled award's waiting tranches are never released and its allocation closes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from aisc.web import worker_tasks
from aisc.web.accounts.models import Organisation, User
from aisc.web.allocations.models import Allocation
from aisc.web.audit.models import AuditEvent
from aisc.web.grants import actions
from aisc.web.grants.actions import DecisionInput
from aisc.web.grants.actions.awards import RELEASE_TASK
from aisc.web.grants.models import Award, Call, Report, Scheme
from tests.fixtures.grants import SCORES, attach, complete_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def later_call(scheme: Scheme) -> Call:
    """A call open today whose projects start two months from now (relative to the clock, so the
    start date stays in the future whenever the test runs)."""
    today = timezone.localdate()
    created = actions.do_create_call(
        acting_user=None,
        scheme=scheme,
        code="later",
        title_en="A later call",
        opens_on=today - dt.timedelta(days=10),
        closes_on=today + dt.timedelta(days=10),
        period_start=today + dt.timedelta(days=30),
        period_end=today + dt.timedelta(days=400),
        budget=Decimal("50000000"),
    )
    return actions.do_open_call(acting_user=None, call=created)


@pytest.fixture
def future_award(
    later_call: Call,
    applicant: User,
    org: Organisation,
    secretariat: User,
    committee: User,
    reviewers: list[User],
) -> Award:
    start = timezone.localdate() + dt.timedelta(days=60)
    fields = {**complete_fields(), "preferred_start": start, "months": 2, "gpus": 8}
    app = actions.do_create_application(
        acting_user=applicant, call=later_call, organisation=org, title="Later", **fields
    )
    attach(app, applicant)
    actions.do_submit_application(acting_user=applicant, application=app)
    answers = dict.fromkeys(later_call.checklist_codes(), True)
    actions.do_screen(acting_user=secretariat, application=app, outcome="pass", answers=answers)
    review = actions.do_assign_reviewer(
        acting_user=secretariat, application=app, reviewer=reviewers[0]
    )
    actions.do_submit_review(acting_user=reviewers[0], review=review, scores=SCORES, comments={})
    actions.do_decide(
        acting_user=committee,
        application=app,
        decision=DecisionInput(outcome="approve", members_present=[committee]),
    )
    return Award.objects.get(application=app)


def released_lines(award: Award) -> int:
    allocation = Allocation.objects.get(project_code=award.project_code)
    return allocation.lines.filter(released=True).count()


def test_a_first_tranche_decided_before_the_start_waits_for_the_start_date(
    future_award: Award,
) -> None:
    first = future_award.tranches.get(seq=1)
    assert first.released_at is None
    assert first.release_on == future_award.start_date
    assert released_lines(future_award) == 0
    assert AuditEvent.objects.filter(verb="grants.tranche.schedule").count() == 1
    assert not AuditEvent.objects.filter(verb="grants.tranche.release").exists()


def test_the_worker_releases_a_waiting_tranche_on_the_start_date_and_not_a_day_before(
    future_award: Award,
) -> None:
    start = future_award.start_date
    assert actions.do_release_due_tranches(start - dt.timedelta(days=1)) == []
    assert released_lines(future_award) == 0
    done = actions.do_release_due_tranches(start)
    assert done == [f"{future_award.project_code} #1"]
    assert future_award.tranches.get(seq=1).released_at is not None
    assert released_lines(future_award) == 1
    assert actions.do_release_due_tranches(start) == []  # once only
    event = AuditEvent.objects.get(verb="grants.tranche.release")
    assert event.actor is None


def test_the_release_runs_as_a_periodic_worker_task() -> None:
    assert RELEASE_TASK in {task.name for task in worker_tasks.registered()}


def test_accepting_a_report_before_the_start_says_the_release_waits_and_then_waits(
    future_award: Award, applicant: User, secretariat: User, logged_in: Callable[[User], Client]
) -> None:
    Award.objects.filter(pk=future_award.pk).update(status="active")
    future_award.refresh_from_db()
    report = actions.do_submit_report(
        acting_user=applicant, award=future_award, kind="progress", text="M1 done"
    )
    client = logged_in(secretariat)
    award_page = client.get(f"/grants/awards/{future_award.pk}/")
    assert f"/grants/reports/{report.pk}/accept".encode() in award_page.content
    confirm = client.get(f"/grants/reports/{report.pk}/accept")
    assert b"the release waits and happens on its start date" in confirm.content
    report.refresh_from_db()
    assert report.status == "submitted"  # the page changed nothing
    client.post(f"/grants/reports/{report.pk}/accept")
    second = future_award.tranches.get(seq=2)
    assert second.released_at is None
    assert second.release_on == future_award.start_date
    assert len(actions.do_release_due_tranches(future_award.start_date)) == 2


def test_accepting_a_report_after_the_start_releases_the_next_tranche_now(
    active: Award, secretariat: User, applicant: User, logged_in: Callable[[User], Client]
) -> None:
    report = actions.do_submit_report(
        acting_user=applicant, award=active, kind="progress", text="M1 done"
    )
    client = logged_in(secretariat)
    confirm = client.get(f"/grants/reports/{report.pk}/accept")
    assert b"of the award now" in confirm.content
    client.post(f"/grants/reports/{report.pk}/accept")
    assert Report.objects.get(pk=report.pk).status == "accepted"
    assert active.tranches.get(seq=2).released_at is not None


def test_cancelling_an_award_asks_first_needs_a_reason_and_closes_its_allocation(
    future_award: Award, secretariat: User, logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(secretariat)
    url = f"/grants/awards/{future_award.pk}/cancel"
    assert url.encode() in client.get(f"/grants/awards/{future_award.pk}/").content
    confirm = client.get(url)
    assert b"are never released" in confirm.content
    assert b"This cannot be undone" in confirm.content
    blank = client.post(url, {"reason": ""})
    assert blank.status_code == 422
    future_award.refresh_from_db()
    assert future_award.status == "approved"
    client.post(url, {"reason": "The company was dissolved."})
    future_award.refresh_from_db()
    assert future_award.status == "cancelled"
    event = AuditEvent.objects.get(verb="grants.award.cancel")
    assert event.after == {"status": "cancelled", "reason": "The company was dissolved."}
    assert Allocation.objects.get(project_code=future_award.project_code).status == "closed"
    assert actions.do_release_due_tranches(future_award.start_date) == []


def test_only_the_secretariat_cancels_an_award(
    future_award: Award, applicant: User, committee: User, logged_in: Callable[[User], Client]
) -> None:
    for user in (applicant, committee):
        client = logged_in(user)
        assert (
            client.post(f"/grants/awards/{future_award.pk}/cancel", {"reason": "x"}).status_code
            == 403
        )
    future_award.refresh_from_db()
    assert future_award.status == "approved"


def test_the_award_page_states_each_tranches_condition_in_chinese(
    future_award: Award, logged_in: Callable[[User], Client], applicant: User
) -> None:
    client = logged_in(applicant)
    english = client.get(f"/grants/awards/{future_award.pk}/").content.decode()
    assert "after an accepted progress report" in english
    client.cookies["django_language"] = "zh-hant"
    chinese = client.get(f"/grants/awards/{future_award.pk}/").content.decode()
    assert "於開始時" in chinese
    assert "於進度報告獲接納後" in chinese
    assert "after an accepted progress report" not in chinese
