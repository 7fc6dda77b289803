"""The audit trail a whole grant leaves: one row per action, by whom, with the status before and
after; the chain verifies; and the applicant's mails follow each status change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from aisc.web.accounts.models import Organisation, User
from aisc.web.audit.models import AuditEvent
from aisc.web.audit.record import verify
from aisc.web.grants import actions
from aisc.web.grants.models import Application, Award, Call
from tests.fixtures.grants import STATUS_MAIL, Mails, attach

from .scenario import Story, funded_story


@pytest.fixture
def told(
    call: Call, make_org: Callable[..., Organisation], make_user: Callable[..., User]
) -> Story:
    return funded_story(call, make_org(name_en="Trail Lab"), make_user)


def rows_of(obj: Any) -> list[tuple[str, Any, Any]]:
    events = AuditEvent.objects.filter(object_type=type(obj).__name__, object_id=str(obj.pk))
    return [
        (e.verb, (e.before or {}).get("status"), (e.after or {}).get("status"))
        for e in events.order_by("id")
    ]


def test_an_application_leaves_one_row_per_step_with_its_statuses(told: Story) -> None:
    assert rows_of(told.application) == [
        ("grants.application.create", None, None),
        ("grants.application.submit", "draft", "submitted"),
        ("grants.application.screen", "submitted", "in_review"),
        ("grants.application.decide", "in_review", "approved_in_part"),
    ]


def test_each_row_names_the_person_who_acted(told: Story) -> None:
    actors = dict(
        AuditEvent.objects.filter(object_type="Application", object_id=str(told.application.pk))
        .order_by("id")
        .values_list("verb", "actor__roles__code")
    )
    assert actors["grants.application.create"] is None  # the applicant holds no staff role
    assert actors["grants.application.screen"] == "secretariat"
    assert actors["grants.application.decide"] == "committee"
    review_row = AuditEvent.objects.get(verb="grants.review.submit")
    assert review_row.actor_id == told.review.reviewer_id


def test_the_award_and_its_tranche_and_report_leave_their_rows(told: Story) -> None:
    assert rows_of(told.award) == [
        ("grants.award.approve", None, None),
        ("grants.award.publish", "approved", "active"),
    ]
    approve = AuditEvent.objects.get(verb="grants.award.approve")
    assert approve.after == {"gpu_hours": "17520", "committed_amount": "245280.00"}
    decide = AuditEvent.objects.get(verb="grants.application.decide")
    assert decide.after is not None
    assert (decide.after["award"], decide.after["committed"], decide.after["rate"]) == (
        "p2026a-001",
        "245280.00",
        "0.70",
    )
    release = AuditEvent.objects.get(verb="grants.tranche.release")
    assert release.after == {"seq": 1, "gpu_hours": "8760.00"}
    assert rows_of(told.report) == [("grants.report.submit", None, "submitted")]


def test_the_call_leaves_its_moves_and_the_chain_verifies(told: Story) -> None:
    assert rows_of(told.call) == [
        ("grants.call.create", None, None),
        ("grants.call.open", "draft", "open"),
        ("grants.call.close", "open", "closed"),
        ("grants.call.publish", "closed", "published"),
    ]
    assert verify() is None


def test_accepting_the_progress_report_releases_the_second_tranche_on_the_record(
    told: Story, secretariat: User
) -> None:
    actions.do_accept_report(acting_user=secretariat, report=told.report)
    releases = AuditEvent.objects.filter(verb="grants.tranche.release").order_by("id")
    assert [r.after for r in releases] == [
        {"seq": 1, "gpu_hours": "8760.00"},
        {"seq": 2, "gpu_hours": "8760.00"},
    ]
    assert releases.last().actor_id == secretariat.pk  # type: ignore[union-attr]


def test_withdrawing_a_funded_application_records_the_cancelled_award(told: Story) -> None:
    owner = told.application.created_by
    actions.do_withdraw_application(acting_user=owner, application=told.application)
    assert rows_of(told.application)[-1] == (
        "grants.application.withdraw",
        "approved_in_part",
        "withdrawn",
    )
    assert rows_of(told.award)[-1] == ("grants.award.cancel", "active", "cancelled")
    assert Award.objects.get(pk=told.award.pk).status == "cancelled"


def test_a_screening_records_the_answers_and_the_message(
    submitted: Application, secretariat: User
) -> None:
    actions.do_screen(
        acting_user=secretariat,
        application=submitted,
        outcome="return",
        answers={},
        message="  Add the ethics plan. ",
    )
    row = AuditEvent.objects.get(verb="grants.application.screen")
    assert row.after is not None
    assert row.after["status"] == "returned"
    assert row.after["screening"] == dict.fromkeys(submitted.call.checklist_codes(), False)
    stored = Application.objects.get(pk=submitted.pk)
    assert stored.screening_message == "Add the ethics plan."


def test_the_applicant_is_mailed_at_each_status_change_and_only_then(
    draft: Application, applicant: User, secretariat: User, sent: Mails
) -> None:
    actions.do_update_application(acting_user=applicant, application=draft, gpus=8)
    assert sent() == []  # saving a draft changes no status
    attach(draft, applicant)
    actions.do_submit_application(acting_user=applicant, application=draft)
    actions.do_screen(
        acting_user=secretariat, application=draft, outcome="return", answers={}, message="More"
    )
    assert sent() == [
        ("applicant@example.hk", STATUS_MAIL),
        ("applicant@example.hk", STATUS_MAIL),
    ]
