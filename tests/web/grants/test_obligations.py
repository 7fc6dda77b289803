"""An organisation with an overdue final report cannot submit a new application; the refusal names
the report and since when (English and zh-Hant); the secretariat's waiver lifts it, audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from aisc.core.errors import RuleViolation
from aisc.web.accounts.models import Organisation, User
from aisc.web.audit.models import AuditEvent
from aisc.web.grants import actions
from aisc.web.grants.models import Application, Award, Call
from tests.fixtures.grants import attach, complete_fields
from tests.fixtures.pages import as_client, flashed

pytestmark = pytest.mark.django_db

ENDED = dt.date(2020, 1, 31)  # with the default 90 days, due on 2020-04-30


@pytest.fixture
def ended(active: Award) -> Award:
    """A published award that ended long ago and has no final report."""
    Award.objects.filter(pk=active.pk).update(end_date=ENDED)
    active.refresh_from_db()
    return active


@pytest.fixture
def second(ended: Award, applicant: User, org: Organisation) -> Application:
    """A complete draft, from the same organisation, in a new open call."""
    call = actions.do_create_call(
        acting_user=None,
        scheme=ended.application.call.scheme,
        code="c2026b",
        title_en="2026 second call",
        opens_on=dt.date(2026, 7, 1),
        closes_on=dt.date(2026, 9, 30),
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2027, 9, 30),
        budget=Decimal("50000000"),
    )
    actions.do_open_call(acting_user=None, call=call)
    fields = {**complete_fields(), "preferred_start": dt.date(2026, 10, 1)}
    draft = actions.do_create_application(
        acting_user=applicant, call=call, organisation=org, title="Second project", **fields
    )
    attach(draft, applicant)
    return draft


def test_it_refuses_a_new_application_naming_the_overdue_report_and_since_when(
    ended: Award, second: Application, applicant: User
) -> None:
    with pytest.raises(RuleViolation) as err:
        actions.do_submit_application(acting_user=applicant, application=second)
    assert err.value.field == "organisation"
    assert ended.project_code in err.value.message
    assert "overdue since 2020-04-30" in err.value.message
    second.refresh_from_db()
    assert second.status == "draft"


def test_the_refusal_is_said_in_traditional_chinese_too(
    ended: Award, second: Application, applicant: User
) -> None:
    with translation.override("zh-hant"), pytest.raises(RuleViolation) as err:
        actions.do_submit_application(acting_user=applicant, application=second)
    assert "結題報告" in err.value.message
    assert ended.project_code in err.value.message
    assert "2020-04-30" in err.value.message


def test_the_submit_page_shows_the_refusal_and_keeps_the_draft(
    ended: Award, second: Application, applicant: User
) -> None:
    response = as_client(applicant).post(f"/grants/applications/{second.pk}/submit")
    [refusal] = flashed(response)
    assert ended.project_code in refusal
    assert "2020-04-30" in refusal
    second.refresh_from_db()
    assert second.status == "draft"


def test_a_delivered_final_report_lets_the_organisation_submit_again(
    ended: Award, second: Application, applicant: User
) -> None:
    actions.do_submit_report(acting_user=applicant, award=ended, kind="final", text="Done.")
    actions.do_submit_application(acting_user=applicant, application=second)
    assert second.status == "submitted"


def test_a_later_due_date_from_the_call_lets_the_organisation_submit(
    ended: Award, second: Application, applicant: User
) -> None:
    Call.objects.filter(pk=ended.application.call_id).update(final_report_days=3000)
    actions.do_submit_application(acting_user=applicant, application=second)
    assert second.status == "submitted"


def test_the_secretariats_waiver_is_audited_with_its_reason_and_lifts_the_block(
    ended: Award, second: Application, applicant: User, secretariat: User
) -> None:
    actions.do_waive_final_report(
        acting_user=secretariat, award=ended, reason="Project ended early by agreement."
    )
    event = AuditEvent.objects.get(verb="grants.award.waive_final_report")
    assert event.actor == secretariat
    assert event.object_id == str(ended.pk)
    assert event.after == {"reason": "Project ended early by agreement."}
    ended.refresh_from_db()
    assert ended.final_report_waived_by == secretariat
    actions.do_submit_application(acting_user=applicant, application=second)
    assert second.status == "submitted"


def test_a_waiver_needs_a_reason_and_is_given_once_on_an_active_award(
    ended: Award, secretariat: User
) -> None:
    with pytest.raises(RuleViolation) as err:
        actions.do_waive_final_report(acting_user=secretariat, award=ended, reason="  ")
    assert err.value.field == "reason"
    actions.do_waive_final_report(acting_user=secretariat, award=ended, reason="Agreed.")
    with pytest.raises(RuleViolation, match="already waived"):
        actions.do_waive_final_report(acting_user=secretariat, award=ended, reason="Again.")
    Award.objects.filter(pk=ended.pk).update(status="completed")
    ended.refresh_from_db()
    with pytest.raises(RuleViolation, match="active award") as err:
        actions.do_waive_final_report(acting_user=secretariat, award=ended, reason="Late.")
    assert err.value.field == "award"
    assert AuditEvent.objects.filter(verb="grants.award.waive_final_report").count() == 1


def test_the_secretariat_waives_from_the_award_page_and_the_page_says_so(
    ended: Award, secretariat: User
) -> None:
    me = as_client(secretariat)
    page = me.get(f"/grants/awards/{ended.pk}/").content.decode()
    assert "2020-04-30" in page
    assert "waive-final-report" in page
    response = me.post(
        f"/grants/awards/{ended.pk}/waive-final-report", {"reason": "Ended early by agreement."}
    )
    assert flashed(response) == ["Final report waived."]
    assert AuditEvent.objects.filter(verb="grants.award.waive_final_report").count() == 1
    page = me.get(f"/grants/awards/{ended.pk}/").content.decode()
    assert "Ended early by agreement." in page
    assert "waive-final-report" not in page


def test_a_waiver_without_reason_is_refused_on_the_page_and_the_grantee_may_not_waive(
    ended: Award, secretariat: User, applicant: User
) -> None:
    response = as_client(secretariat).post(
        f"/grants/awards/{ended.pk}/waive-final-report", {"reason": " "}
    )
    [refusal] = flashed(response)
    assert refusal.startswith("reason: ")
    grantee = as_client(applicant)
    assert "waive-final-report" not in grantee.get(f"/grants/awards/{ended.pk}/").content.decode()
    denied = grantee.post(f"/grants/awards/{ended.pk}/waive-final-report", {"reason": "Mine."})
    assert denied.status_code == 403
    ended.refresh_from_db()
    assert ended.final_report_waived_at is None


def test_the_secretariats_queue_lists_the_overdue_final_report_until_it_is_waived(
    ended: Award, secretariat: User
) -> None:
    from aisc.web.queues.read import secretariat_queue

    def listed(today: dt.date) -> list[tuple[str, str]]:
        queue = secretariat_queue(secretariat, today)
        return [(i.text, i.detail) for i in queue.items if "Final report" in i.text]

    assert listed(dt.date(2020, 4, 30)) == []  # ended, but still within the 90 days
    [(text, detail)] = listed(dt.date(2020, 5, 1))
    assert ended.project_code in text
    assert detail.startswith("overdue since")
    actions.do_waive_final_report(acting_user=secretariat, award=ended, reason="Agreed.")
    assert listed(dt.date(2020, 5, 1)) == []


def test_the_scheme_sets_the_delay_and_refuses_one_over_two_years(secretariat: User) -> None:
    scheme = actions.do_create_scheme(
        acting_user=secretariat,
        code="short",
        name_en="Short scheme",
        fund=Decimal("1000000"),
        final_report_days=30,
    )
    assert scheme.final_report_days == 30
    with pytest.raises(RuleViolation) as err:
        actions.do_update_scheme(acting_user=secretariat, scheme=scheme, final_report_days=731)
    assert err.value.field == "final_report_days"
    scheme.refresh_from_db()
    assert scheme.final_report_days == 30
    actions.do_update_scheme(acting_user=secretariat, scheme=scheme, final_report_days=60)
    event = AuditEvent.objects.filter(verb="grants.scheme.update").get()
    assert event.after == {"final_report_days": 60}
