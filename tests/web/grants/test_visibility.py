"""Who sees which applications in the lists (the portal's /grants/ and the API's
`GET applications`): each application once, staff never a draft of somebody else, applicants
only their organisation's, reviewers only what they are assigned to and free of conflicts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from aisc.web.accounts.models import Membership, Organisation, User
from aisc.web.grants import actions, queries
from aisc.web.grants.models import Application, Call
from tests.fixtures.grants import attach, complete_fields


def listed_ids(user: User) -> list[int]:
    return list(queries.visible_applications(user).values_list("pk", flat=True))


def api_ids(api_client: Callable[[User], Client], user: User) -> list[int]:
    body = api_client(user).get("/api/v1/grants/applications").json()
    return [item["id"] for item in body["items"]]


@pytest.fixture
def busy_org(org: Organisation, make_user: Callable[..., User]) -> Organisation:
    """The applicant's organisation with two more members: three membership rows to join."""
    make_user(org=org)
    make_user(org=org)
    return org


@pytest.mark.parametrize("role", ["secretariat", "committee", "auditor", "admin"])
def test_staff_see_each_application_once_however_many_members_its_organisation_has(
    submitted: Application,
    busy_org: Organisation,
    make_user: Callable[..., User],
    api_client: Callable[[User], Client],
    role: str,
) -> None:
    staff = make_user(role)
    assert listed_ids(staff) == [submitted.pk]
    assert api_ids(api_client, staff) == [submitted.pk]
    body = api_client(staff).get("/api/v1/grants/applications").json()
    assert body["count"] == 1


def test_a_staff_member_who_belongs_to_the_organisation_still_sees_it_once(
    submitted: Application, busy_org: Organisation, secretariat: User
) -> None:
    Membership.objects.create(user=secretariat, organisation=busy_org, role="member")
    assert listed_ids(secretariat) == [submitted.pk]


def test_the_portal_list_shows_each_application_once_to_the_secretariat(
    submitted: Application, busy_org: Organisation, secretariat: User, client: Client
) -> None:
    client.force_login(secretariat)
    page = client.get("/grants/").content.decode()
    assert page.count(f"/grants/applications/{submitted.pk}/") == 1


def test_staff_do_not_see_other_organisations_drafts_but_see_their_own(
    draft: Application,
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
    call: Call,
) -> None:
    staff = make_user("secretariat")
    assert listed_ids(staff) == []
    own_org = make_org(name_en="Staff Lab")
    Membership.objects.create(user=staff, organisation=own_org, role="admin")
    own = actions.do_create_application(
        acting_user=staff, call=call, organisation=own_org, title="Own draft"
    )
    assert listed_ids(staff) == [own.pk]


def test_an_applicant_sees_every_state_of_their_own_and_nothing_of_others(
    draft: Application,
    call: Call,
    applicant: User,
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
) -> None:
    other_org = make_org(name_en="Other Lab")
    outsider = make_user(org=other_org)
    theirs = actions.do_create_application(
        acting_user=outsider, call=call, organisation=other_org, title="Theirs", **complete_fields()
    )
    assert listed_ids(applicant) == [draft.pk]
    assert listed_ids(outsider) == [theirs.pk]
    colleague = make_user(org=draft.organisation)
    assert listed_ids(colleague) == [draft.pk]


def test_a_reviewer_sees_only_assigned_applications_until_declaring_a_conflict(
    in_review: Application, secretariat: User, reviewers: list[User], busy_org: Organisation
) -> None:
    first, second = reviewers
    review = actions.do_assign_reviewer(
        acting_user=secretariat, application=in_review, reviewer=first
    )
    assert listed_ids(first) == [in_review.pk]
    assert listed_ids(second) == []
    actions.do_declare_conflict(acting_user=first, review=review, reason="A co-author")
    assert listed_ids(first) == []


def test_a_reviewer_with_two_reviews_on_other_applications_sees_each_once(
    call: Call,
    secretariat: User,
    reviewers: list[User],
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
) -> None:
    reviewer = reviewers[0]
    for name in ("Lab A", "Lab B"):
        lab = make_org(name_en=name)
        owner = make_user(org=lab)
        app = actions.do_create_application(
            acting_user=owner, call=call, organisation=lab, title=name, **complete_fields()
        )
        attach(app, owner)
        actions.do_submit_application(acting_user=owner, application=app)
        answers = dict.fromkeys(call.checklist_codes(), True)
        actions.do_screen(acting_user=secretariat, application=app, outcome="pass", answers=answers)
        actions.do_assign_reviewer(acting_user=secretariat, application=app, reviewer=reviewer)
        actions.do_assign_reviewer(acting_user=secretariat, application=app, reviewer=reviewers[1])
    titles = sorted(queries.visible_applications(reviewer).values_list("title", flat=True))
    assert titles == ["Lab A", "Lab B"]
