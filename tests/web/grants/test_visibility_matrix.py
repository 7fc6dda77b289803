"""Visibility is defined once (queries.visible_applications): for every role and every state an
application can be seen in (its organisation's draft, in review with an open, a declared-conflict
and a computed-conflict reviewer, another organisation's), the portal list, the portal page, the
API list and the API detail agree, and what may not be seen is a 404, never a 403."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from aisc.web.accounts.models import Organisation, Role, User
from aisc.web.grants import actions
from aisc.web.grants.models import Application, Call
from tests.fixtures.grants import attach, complete_fields

pytestmark = pytest.mark.django_db


def as_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def seen(user: User, application: Application) -> dict[str, bool]:
    client = as_client(user)
    page = client.get(f"/grants/applications/{application.pk}/")
    api = client.get(f"/api/v1/grants/applications/{application.pk}")
    assert page.status_code in {200, 404}, page.status_code
    assert api.status_code in {200, 404}, api.status_code
    listed = client.get("/api/v1/grants/applications?page_size=100").json()
    return {
        "portal list": f'href="/grants/applications/{application.pk}/"'
        in client.get("/grants/").content.decode(),
        "portal page": page.status_code == 200,
        "api list": application.pk in [a["id"] for a in listed.get("items", [])],
        "api detail": api.status_code == 200,
    }


@pytest.fixture
def world(
    call: Call,
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
    secretariat: User,
) -> tuple[dict[str, User], dict[str, Application]]:
    harbour = make_org(name_en="Harbour Lab", registration_code="HL-1")
    other = make_org(name_en="Kowloon Lab")
    owner = make_user(org=harbour, membership="admin")
    draft = actions.do_create_application(
        acting_user=owner, call=call, organisation=harbour, title="Draft", **complete_fields()
    )
    submitted = actions.do_create_application(
        acting_user=owner, call=call, organisation=harbour, title="Reviewed", **complete_fields()
    )
    attach(submitted, owner)
    actions.do_submit_application(acting_user=owner, application=submitted)
    answers = dict.fromkeys(call.checklist_codes(), True)
    actions.do_screen(
        acting_user=secretariat, application=submitted, outcome="pass", answers=answers
    )
    people = {
        "member": owner,
        "other organisation": make_user(org=other, membership="admin"),
        "reviewer, open": make_user(Role.REVIEWER),
        "reviewer, declared conflict": make_user(Role.REVIEWER),
        "reviewer, computed conflict": make_user(Role.REVIEWER),
        "reviewer, not assigned": make_user(Role.REVIEWER),
        **{role: make_user(role) for role in Role.ALL if role != Role.REVIEWER},
    }
    for who in ("reviewer, open", "reviewer, declared conflict", "reviewer, computed conflict"):
        review = actions.do_assign_reviewer(
            acting_user=secretariat, application=submitted, reviewer=people[who]
        )
        if who == "reviewer, declared conflict":
            actions.do_declare_conflict(
                acting_user=people[who], review=review, reason="My former student"
            )
    computed = people["reviewer, computed conflict"]
    computed.declared_relationships = "HL-1"  # a tie declared after the assignment
    computed.save()
    return people, {"draft": draft, "in review": submitted}


STAFF_READERS = {Role.ADMIN, Role.AUDITOR, Role.SECRETARIAT, Role.COMMITTEE}


def expected(who: str, state: str) -> bool:
    if who == "member":
        return True
    if state == "draft":
        return False  # nobody outside the organisation sees a draft, staff included
    return who in STAFF_READERS or who == "reviewer, open"


def test_list_detail_and_api_agree_for_every_role_and_state(
    world: tuple[dict[str, User], dict[str, Application]],
) -> None:
    people, applications = world
    wrong = []
    for who, user in people.items():
        for state, application in applications.items():
            answers = seen(user, application)
            want = expected(who, state)
            if set(answers.values()) != {want}:
                wrong.append(f"{who} / {state}: expected {want}, got {answers}")
    assert wrong == []


def test_a_title_never_reaches_a_list_of_someone_who_may_not_open_it(
    world: tuple[dict[str, User], dict[str, Application]],
) -> None:
    people, _ = world
    for who in ("reviewer, declared conflict", "reviewer, computed conflict", "finance"):
        client = as_client(people[who])
        assert "Reviewed" not in client.get("/api/v1/grants/applications").content.decode(), who
        assert "Continued pre-training" not in client.get("/grants/").content.decode(), who
