from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser

from aisc.web.accounts import authz
from aisc.web.accounts.models import Organisation, User


def test_it_denies_an_action_that_has_no_rule(make_user: Callable[..., User]) -> None:
    assert not authz.can(make_user("secretariat"), "nothing.registered.edit")


def test_it_lets_the_admin_do_anything(make_user: Callable[..., User]) -> None:
    assert authz.can(make_user("admin"), "nothing.registered.edit")


def test_it_lets_the_auditor_view_but_never_change(make_user: Callable[..., User]) -> None:
    auditor = make_user("auditor")
    assert authz.can(auditor, "anything.at.all.view")
    assert not authz.can(auditor, "accounts.organisation.edit")


@pytest.mark.django_db
def test_it_denies_anonymous_and_inactive_users(make_user: Callable[..., User]) -> None:
    assert not authz.can(AnonymousUser(), "portal.dashboard.view")
    assert not authz.can(None, "portal.dashboard.view")
    assert not authz.can(make_user("admin", is_active=False), "audit.view")


def test_it_checks_object_access_by_membership(
    make_user: Callable[..., User], make_org: Callable[..., Organisation]
) -> None:
    mine, theirs = make_org(), make_org()
    admin_of_mine = make_user(org=mine, membership="admin")
    member = make_user(org=mine, membership="member")
    assert authz.can(admin_of_mine, "accounts.organisation.edit", mine)
    assert not authz.can(admin_of_mine, "accounts.organisation.edit", theirs)
    assert not authz.can(member, "accounts.organisation.edit", mine)
    assert authz.can(member, "accounts.organisation.view", mine)
    assert not authz.can(member, "accounts.organisation.view", theirs)


def test_it_refuses_to_register_a_rule_twice() -> None:
    with pytest.raises(RuntimeError, match="already registered"):
        authz.rule("audit.view")(lambda user, obj: True)
