"""Starter grants decided by the system at submission: an approval goes down every award's path
(award, allocation on the embedded cluster, commitment on the ledger, released hours) at the
programme's subsidy rate; a refusal is stored naming its rule; the decision and its time are
audited with the system as actor; bad input is refused with nothing stored."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.grants.starter import Terms
from aisc.web.accounts.models import Organisation, User
from aisc.web.allocations.models import Allocation
from aisc.web.audit.models import AuditEvent
from aisc.web.grants import actions, decision_times
from aisc.web.grants.actions.starter import StarterRequest
from aisc.web.grants.models import Application, Award, Call, Report, StarterProgramme

pytestmark = pytest.mark.usefixtures("embedded_cluster")


def apply(programme: StarterProgramme, user: User, org: Organisation, **kw: Any) -> Application:
    ask = StarterRequest(organisation=org, chip=kw.pop("chip", "br104"),
                         title=kw.pop("title", "Try BR104 for speech"), **kw)  # fmt: skip
    return actions.do_apply_starter(acting_user=user, programme=programme, ask=ask)


def test_a_starter_grant_is_approved_at_once_and_provisioned_like_any_award(
    programme: StarterProgramme, applicant: User, org: Organisation
) -> None:
    application = apply(programme, applicant, org)
    assert application.status == "approved"
    award = Award.objects.get(application=application)
    assert (award.chip, award.gpu_hours, award.subsidy_rate) == (
        "br104",
        Decimal(500),
        Decimal("0.80"),
    )
    assert award.status == "active"
    assert award.months == 3
    allocation = Allocation.objects.get(award=award)
    assert allocation.parent_account == "s2026"
    released = {line.chip: line.gpu_hours for line in allocation.lines.filter(released=True)}
    assert released == {"br104": Decimal(500)}
    assert allocation.status == "active"
    # Billed at the programme's rate: the commitment is 500 h x BR104 list price x 0.80.
    assert award.committed_amount == (500 * award.list_price * Decimal("0.80")).quantize(
        Decimal("0.01")
    )


def test_the_decision_is_audited_with_the_system_as_actor_and_its_time_recorded(
    programme: StarterProgramme, applicant: User, org: Organisation
) -> None:
    application = apply(programme, applicant, org)
    row = AuditEvent.objects.get(verb="grants.application.decide", object_id=str(application.pk))
    assert row.actor_label == "system"
    after = row.after or {}
    assert after["starter"] is True
    assert 0 <= after["decision_seconds"] < 60
    submitted = AuditEvent.objects.get(verb="grants.application.submit")
    assert submitted.actor_label == applicant.email
    times = decision_times.for_call(programme.call)
    assert times is not None
    assert times.count == 1
    assert times.median_minutes < 1


def test_the_yearly_limit_refuses_the_third_grant_naming_the_rule(
    programme: StarterProgramme, applicant: User, org: Organisation
) -> None:
    first = apply(programme, applicant, org)
    second = apply(programme, applicant, org, chip="h800")
    third = apply(programme, applicant, org)
    assert [first.status, second.status, third.status] == ["approved", "approved", "rejected"]
    assert third.screening["starter_rule"] == "yearly_limit"
    assert "already has 2 starter grant(s)" in third.screening_message
    assert not Award.objects.filter(application=third).exists()
    decided = AuditEvent.objects.filter(verb="grants.application.decide").order_by("id").last()
    assert decided is not None
    assert (decided.after or {})["rule"] == "yearly_limit"


def test_an_unverified_organisation_is_refused(
    programme: StarterProgramme, make_user: Callable[..., User], make_org: Callable[..., Any]
) -> None:
    pending = make_org(status="pending")
    user = make_user(org=pending, membership="admin")
    refused = apply(programme, user, pending)
    assert refused.screening["starter_rule"] == "organisation_unverified"


def test_an_overdue_final_report_is_refused_naming_the_award(
    programme: StarterProgramme, applicant: User, org: Organisation
) -> None:
    earlier = Award.objects.get(application=apply(programme, applicant, org))
    Award.objects.filter(pk=earlier.pk).update(end_date=dt.date(2026, 1, 31))
    refused = apply(programme, applicant, org, chip="h800")
    assert refused.screening["starter_rule"] == "final_report_overdue"
    assert earlier.project_code in refused.screening_message
    Report.objects.create(award=earlier, kind="final", text="done", submitted_by=applicant)
    assert apply(programme, applicant, org, chip="h800").status == "approved"


def test_a_chip_outside_the_programme_is_refused_and_the_call_budget_still_binds(
    programme: StarterProgramme, applicant: User, org: Organisation
) -> None:
    refused = apply(programme, applicant, org, chip="h100")
    assert refused.screening["starter_rule"] == "chip_not_in_programme"
    Call.objects.filter(pk=programme.call_id).update(budget=Decimal(1))
    broke = apply(programme, applicant, org)
    assert broke.screening["starter_rule"] == "centre_limits"
    assert not Allocation.objects.exists()


@pytest.mark.parametrize(
    ("ask", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title_zh": "字" * 201}, "title_zh"),
        ({"chip": "zz9"}, "chip"),
    ],
)
def test_bad_input_is_refused_with_its_field_and_nothing_is_stored(
    programme: StarterProgramme, applicant: User, org: Organisation, ask: dict[str, str],
    field: str,
) -> None:  # fmt: skip
    with pytest.raises(RuleViolation) as info:
        apply(programme, applicant, org, **ask)
    assert info.value.field == field
    assert not Application.objects.exists()


def test_a_chinese_title_is_kept_for_the_chinese_grantee_list(
    programme: StarterProgramme, applicant: User, org: Organisation
) -> None:
    made = apply(programme, applicant, org, title_zh="  以 BR104 試行語音識別 ")
    assert Application.objects.get(pk=made.pk).title_zh == "以 BR104 試行語音識別"


def test_a_starter_call_takes_no_ordinary_applications_and_terms_are_checked(
    programme: StarterProgramme, applicant: User, org: Organisation, call: Call
) -> None:
    with pytest.raises(RuleViolation, match="starter grants only"):
        actions.do_create_application(
            acting_user=applicant, call=programme.call, organisation=org, title="x"
        )
    with pytest.raises(RuleViolation, match="already has a starter programme"):
        actions.do_create_starter_programme(
            acting_user=None, call=programme.call, terms=programme.terms()
        )
    too_rich = Terms(Decimal(500), 3, ("h800",), 1, Decimal("0.95"))
    with pytest.raises(RuleViolation) as info:
        actions.do_create_starter_programme(acting_user=None, call=call, terms=too_rich)
    assert info.value.field == "subsidy_rate"
    assert StarterProgramme.objects.count() == 1
