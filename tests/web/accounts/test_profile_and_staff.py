"""The profile page and the admin pages that grant staff roles; every change is audited."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from aisc.core.errors import RuleViolation
from aisc.web.accounts import actions
from aisc.web.accounts.models import User
from aisc.web.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_user_updates_name_language_and_digest_choice(
    make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    user = make_user(full_name="Old")
    client = logged_in(user)
    page = client.get("/accounts/profile/").content.decode()
    assert "Declared relationships" not in page  # only reviewers declare them
    response = client.post(
        "/accounts/profile/",
        {
            "full_name": "New",
            "language": "zh-hant",
            "time_zone": "Asia/Hong_Kong",
            "digest_mail": "on",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.language, user.digest_mail) == ("New", "zh-hant", True)
    event = AuditEvent.objects.get(verb="accounts.user.update_profile")
    assert event.before is not None
    assert event.before["full_name"] == "Old"
    assert event.after is not None
    assert event.after["digest_mail"] is True


def test_a_reviewer_declares_relationships_on_the_profile(
    make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    reviewer = make_user("reviewer")
    client = logged_in(reviewer)
    assert "Declared relationships" in client.get("/accounts/profile/").content.decode()
    client.post(
        "/accounts/profile/",
        {
            "full_name": "R",
            "language": "en",
            "time_zone": "Asia/Hong_Kong",
            "declared_relationships": "JNK-DEMO\nHU-1",
        },
    )
    reviewer.refresh_from_db()
    assert reviewer.declared_relationships == "JNK-DEMO\nHU-1"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"language": "klingon"}, "language"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"email": "x@y.hk"}, "email"),
    ],
)
def test_a_bad_profile_change_is_refused_naming_the_field(
    make_user: Callable[..., User], changes: dict[str, str], field: str
) -> None:
    user = make_user()
    with pytest.raises(RuleViolation) as caught:
        actions.do_update_profile(acting_user=user, **changes)
    assert caught.value.field == field
    user.refresh_from_db()
    assert user.language == "en"


def test_an_admin_grants_and_withdraws_staff_roles(
    make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    admin = make_user("admin")
    person = make_user(email="person@example.hk")
    client = logged_in(admin)
    listing = client.get("/accounts/staff/", {"q": "person@"}).content.decode()
    assert "person@example.hk" in listing
    url = f"/accounts/staff/{person.pk}/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"roles": ["reviewer", "finance"]}).status_code == 302
    person = User.objects.get(pk=person.pk)
    assert person.role_codes() == {"reviewer", "finance"}
    assert "person@example.hk" in client.get("/accounts/staff/").content.decode()
    client.post(url, {"roles": ["admin"]})
    person = User.objects.get(pk=person.pk)
    assert person.role_codes() == {"admin"}
    assert person.is_superuser
    events = list(AuditEvent.objects.filter(verb="accounts.user.set_roles").order_by("id"))
    assert [e.after for e in events] == [
        {"roles": ["finance", "reviewer"]},
        {"roles": ["admin"]},
    ]
    assert events[1].before == {"roles": ["finance", "reviewer"]}


@pytest.mark.parametrize("role", ["secretariat", "auditor", "reviewer"])
def test_only_admins_reach_the_staff_role_pages(
    make_user: Callable[..., User], logged_in: Callable[[User], Client], role: str
) -> None:
    client = logged_in(make_user(role))
    assert client.get("/accounts/staff/").status_code == 403
    target = make_user()
    assert client.post(f"/accounts/staff/{target.pk}/", {"roles": ["admin"]}).status_code == 403
    assert not User.objects.get(pk=target.pk).role_codes()


def test_the_last_admin_cannot_withdraw_their_own_admin_role(
    make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    admin = make_user("admin")
    response = logged_in(admin).post(f"/accounts/staff/{admin.pk}/", {"roles": ["auditor"]})
    assert response.status_code == 422
    assert "the platform keeps at least one admin" in response.content.decode()
    assert User.objects.get(pk=admin.pk).role_codes() == {"admin"}


def test_an_unknown_role_is_refused_naming_the_roles_field(
    make_user: Callable[..., User],
) -> None:
    admin = make_user("admin")
    with pytest.raises(RuleViolation) as caught:
        actions.do_set_staff_roles(acting_user=admin, user=make_user(), roles=("wizard",))
    assert caught.value.field == "roles"
