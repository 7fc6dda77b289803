"""The edges of the fast lane: a closed programme or an ineligible kind of organisation is bad
input (nothing stored); a chip the programme lists but the centre runs no nodes of, and a scheme
cap, are refusals under their rules; a withdrawn starter grant gives its allocation back like
any award; the public programme list shows open programmes only; the call page reads in 繁體中文."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from aisc.core.errors import RuleViolation
from aisc.core.grants.starter import Terms
from aisc.web.accounts.models import Organisation, User
from aisc.web.allocations.models import Allocation
from aisc.web.grants import actions
from aisc.web.grants.actions.starter import StarterRequest, granted_this_year
from aisc.web.grants.models import Application, Award, Call, StarterProgramme

pytestmark = pytest.mark.usefixtures("embedded_cluster")


def ask(programme: StarterProgramme, user: User, org: Organisation, chip: str = "br104") -> Any:
    request = StarterRequest(organisation=org, chip=chip, title="Try the accelerator")
    return actions.do_apply_starter(acting_user=user, programme=programme, ask=request)


def test_a_closed_programme_takes_no_request_and_stores_nothing(
    programme: StarterProgramme, applicant: User, org: Organisation
) -> None:
    actions.do_close_call(acting_user=None, call=programme.call)
    programme.refresh_from_db()
    with pytest.raises(RuleViolation, match="not open for requests") as info:
        ask(programme, applicant, org)
    assert info.value.field == "call"
    assert not Application.objects.exists()


def test_an_organisation_of_a_kind_the_scheme_excludes_is_refused_as_input(
    programme: StarterProgramme,
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
) -> None:
    charity = make_org(kind="government")
    with pytest.raises(RuleViolation) as info:
        ask(programme, make_user(org=charity, membership="admin"), charity)
    assert info.value.field == "organisation"
    assert not Application.objects.exists()


def test_a_chip_the_programme_lists_without_nodes_in_the_centre_is_refused_by_its_rule(
    call: Call, applicant: User, org: Organisation
) -> None:
    terms = Terms(Decimal(100), 1, ("h800", "h100"), 1, Decimal("0.70"))
    programme = actions.do_create_starter_programme(acting_user=None, call=call, terms=terms)
    refused = ask(programme, applicant, org, chip="h100")
    assert refused.screening["starter_rule"] == "chip_not_offered"
    assert refused.screening["field"] == "chip"


def test_a_scheme_cap_refuses_a_starter_grant_under_the_centre_limits_rule(
    programme: StarterProgramme, applicant: User, org: Organisation
) -> None:
    actions.do_update_scheme(
        acting_user=None, scheme=programme.call.scheme, org_cap_gpu_hours=Decimal(100)
    )
    programme.refresh_from_db()
    refused = ask(programme, applicant, org)
    assert refused.screening["starter_rule"] == "centre_limits"
    assert refused.decisions.get().decided_by is None
    assert not Award.objects.exists()
    assert not Allocation.objects.exists()


def test_a_withdrawn_starter_grant_closes_its_allocation_and_still_counts_for_the_year(
    programme: StarterProgramme, applicant: User, org: Organisation
) -> None:
    granted = ask(programme, applicant, org)
    actions.do_withdraw_application(acting_user=applicant, application=granted)
    award = Award.objects.get(application=granted)
    assert award.status == "cancelled"
    assert Allocation.objects.get(award=award).status == "closed"
    year = award.created_at.year
    assert granted_this_year(programme.call.scheme, org, year) == 1
    assert granted_this_year(programme.call.scheme, org, year + 1) == 0


def test_the_public_programme_list_leaves_out_closed_programmes(
    programme: StarterProgramme, client: Client
) -> None:
    assert len(client.get("/api/v1/grants/starter/programmes").json()) == 1
    actions.do_close_call(acting_user=None, call=programme.call)
    assert client.get("/api/v1/grants/starter/programmes").json() == []


def test_a_call_with_applications_cannot_become_a_programme(call: Call, draft: Application) -> None:
    terms = Terms(Decimal(100), 1, ("h800",), 1, Decimal("0.70"))
    with pytest.raises(RuleViolation, match="already has applications") as info:
        actions.do_create_starter_programme(acting_user=None, call=call, terms=terms)
    assert info.value.field == "call"
    assert not StarterProgramme.objects.exists()


def test_the_programme_page_tells_its_decision_times_in_traditional_chinese(
    programme: StarterProgramme, applicant: User, org: Organisation, client: Client
) -> None:
    ask(programme, applicant, org)
    client.cookies["django_language"] = "zh-hant"
    page = client.get("/calls/s2026/").content.decode()
    assert "入門資助由系統於提交時決定" in page
    assert "申請入門資助" in page


def test_the_api_answers_404_for_a_programme_that_does_not_exist(
    programme: StarterProgramme, applicant: User, org: Organisation, client: Client
) -> None:
    client.force_login(applicant)
    body = {"programme": "nope", "organisation": org.pk, "chip": "br104", "title": "x"}
    response = client.post("/api/v1/grants/starter/requests", body, content_type="application/json")
    assert response.status_code == 404
    assert not Application.objects.exists()
