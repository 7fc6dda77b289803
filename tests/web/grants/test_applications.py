import datetime as dt
from collections.abc import Callable

import pytest

from aisc.core.errors import InvalidTransition, RuleViolation
from aisc.web.accounts.models import Organisation, User
from aisc.web.audit.models import AuditEvent
from aisc.web.grants import actions
from aisc.web.grants.actions.applications import EDITABLE_FIELDS, missing
from aisc.web.grants.models import Application, Call
from tests.fixtures.grants import STATUS_MAIL, Mails, attach, complete_fields


def test_a_draft_saves_as_you_go_with_only_a_title(
    call: Call, applicant: User, org: Organisation
) -> None:
    draft = actions.do_create_application(
        acting_user=applicant, call=call, organisation=org, title="Just a title"
    )
    actions.do_update_application(acting_user=applicant, application=draft, gpus=8)
    draft.refresh_from_db()
    assert (draft.status, draft.gpus) == ("draft", 8)
    assert "summary" in missing(draft)


@pytest.mark.parametrize(
    ("field", "value", "rule"),
    [
        ("parameters", -7e9, "between 1 and 10 trillion"),
        ("parameters", 1e20, "between 1 and 10 trillion"),
        ("months", 13, "past the call's period end"),
        ("gpus", 3000, "beyond the call budget"),
        ("preferred_start", dt.date(2030, 1, 1), "preferred start"),
        ("chip", "tpu9000", "unknown chip"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_saved_is_lost(
    draft: Application, applicant: User, field: str, value: object, rule: str
) -> None:
    before = Application.objects.values().get(pk=draft.pk)
    with pytest.raises(RuleViolation, match=rule) as err:
        actions.do_update_application(acting_user=applicant, application=draft, **{field: value})
    assert err.value.field == field or (field, err.value.field) == ("gpus", "gpus")
    assert Application.objects.values().get(pk=draft.pk) == before


def test_it_refuses_an_unknown_field_or_an_empty_title(draft: Application, applicant: User) -> None:
    with pytest.raises(RuleViolation, match="not a field") as err:
        actions.do_update_application(acting_user=applicant, application=draft, status="approved")
    assert err.value.field == "status"
    with pytest.raises(RuleViolation, match="title is required"):
        actions.do_update_application(acting_user=applicant, application=draft, title="  ")


def test_submission_is_refused_until_the_application_is_complete(
    call: Call, applicant: User, org: Organisation
) -> None:
    draft = actions.do_create_application(
        acting_user=applicant, call=call, organisation=org, title="T", **complete_fields()
    )
    with pytest.raises(RuleViolation, match="missing: financial_proof") as err:
        actions.do_submit_application(acting_user=applicant, application=draft)
    assert err.value.field == "financial_proof"
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_moe_model_must_give_its_active_parameters(draft: Application, applicant: User) -> None:
    actions.do_update_application(acting_user=applicant, application=draft, model_type="moe")
    assert "active_parameters" in missing(draft)


def test_an_inference_request_gives_tokens_served_instead_of_training_tokens(
    draft: Application, applicant: User
) -> None:
    actions.do_update_application(
        acting_user=applicant, application=draft, workload="inference", training_tokens=None
    )
    assert missing(draft)[:1] == ["tokens_served"]
    actions.do_update_application(acting_user=applicant, application=draft, tokens_served=1e9)
    assert "tokens_served" not in missing(draft)


def test_a_complete_application_is_submitted_audited_and_the_applicant_told(
    submitted: Application, applicant: User, sent: Mails
) -> None:
    assert submitted.status == "submitted"
    assert submitted.submitted_at is not None
    assert ("applicant@example.hk", STATUS_MAIL) in sent()
    event = AuditEvent.objects.get(verb="grants.application.submit")
    assert (event.before, event.after) == ({"status": "draft"}, {"status": "submitted"})


def test_a_submitted_application_can_no_longer_be_edited(
    submitted: Application, applicant: User
) -> None:
    with pytest.raises(RuleViolation, match="can no longer be edited"):
        actions.do_update_application(acting_user=applicant, application=submitted, gpus=1)
    with pytest.raises(InvalidTransition):
        actions.do_submit_application(acting_user=applicant, application=submitted)


def test_it_refuses_an_application_to_a_closed_call(
    call: Call, applicant: User, org: Organisation
) -> None:
    actions.do_close_call(acting_user=None, call=call)
    with pytest.raises(RuleViolation, match="not open") as err:
        actions.do_create_application(acting_user=applicant, call=call, organisation=org, title="T")
    assert err.value.field == "call"


def test_it_refuses_a_draft_submitted_after_the_call_closed(
    draft: Application, applicant: User
) -> None:
    attach(draft, applicant)
    actions.do_close_call(acting_user=None, call=draft.call)
    with pytest.raises(RuleViolation, match="no longer open"):
        actions.do_submit_application(acting_user=applicant, application=draft)


def test_it_refuses_an_ineligible_organisation_type(
    call: Call, make_user: Callable[..., User], make_org: Callable[..., Organisation]
) -> None:
    other = make_org(kind="other")
    with pytest.raises(RuleViolation, match="may not apply") as err:
        actions.do_create_application(
            acting_user=make_user(org=other), call=call, organisation=other, title="T"
        )
    assert err.value.field == "organisation"


def test_it_refuses_a_blank_title_at_creation(
    call: Call, applicant: User, org: Organisation
) -> None:
    with pytest.raises(RuleViolation) as err:
        actions.do_create_application(acting_user=applicant, call=call, organisation=org, title=" ")
    assert err.value.field == "title"


def test_a_withdrawn_application_cannot_come_back(submitted: Application, applicant: User) -> None:
    actions.do_withdraw_application(acting_user=applicant, application=submitted)
    assert submitted.status == "withdrawn"
    with pytest.raises(InvalidTransition):
        actions.do_withdraw_application(acting_user=applicant, application=submitted)


def test_a_chip_without_nodes_or_a_rate_card_is_refused_naming_the_chip(
    draft: Application, applicant: User
) -> None:
    with pytest.raises(RuleViolation, match="the centre does not offer h100") as err:
        actions.do_update_application(acting_user=applicant, application=draft, chip="h100")
    assert err.value.field == "chip"
    draft.refresh_from_db()
    assert draft.chip == "h800"


def test_the_application_form_puts_every_field_in_exactly_one_section() -> None:
    from aisc.web.grants.forms import ApplicationForm

    named = [name for _, names in ApplicationForm.SECTIONS for name in names]
    assert sorted(named) == sorted(EDITABLE_FIELDS)
    assert len(named) == len(set(named))
    titles = [str(title) for title, _ in ApplicationForm().sections()]
    assert titles == [
        "Project",
        "Model and data",
        "Compute request",
        "Team and finance",
        "Declarations",
    ]
