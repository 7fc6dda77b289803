"""The do_* actions of accounts, one by one: the audit row each writes (verb, object, before,
after, actor), and each refusal, which names the field and the rule and leaves what was saved."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation

from aisc.core.errors import RuleViolation
from aisc.web.accounts import actions, invitations
from aisc.web.accounts.models import Membership, Organisation, Role, User
from aisc.web.audit.models import AuditEvent
from aisc.web.audit.record import verify

GOOD_PASSWORD = "a-long-and-unusual-passphrase-2026"


def last_row() -> AuditEvent:
    row = AuditEvent.objects.order_by("-id").first()
    assert row is not None
    return row


def refused(attempt: Callable[[], object]) -> RuleViolation:
    """Run an action that must refuse; prove it wrote no audit row; return the refusal."""
    rows = AuditEvent.objects.count()
    with pytest.raises(RuleViolation) as caught:
        attempt()
    assert AuditEvent.objects.count() == rows
    return caught.value


# --- organisations ------------------------------------------------------------------------


def test_creating_an_organisation_audits_every_field(applicant: User) -> None:
    org = actions.do_create_organisation(
        acting_user=applicant,
        name_en="Kowloon Lab",
        kind="startup",
        registration_code="KL-1",
        name_zh="九龍實驗室",
    )
    row = last_row()
    assert (row.verb, row.object_type, row.object_id) == (
        "accounts.organisation.create",
        "Organisation",
        str(org.pk),
    )
    assert row.before is None
    assert row.after == {
        "name_en": "Kowloon Lab",
        "name_zh": "九龍實驗室",
        "kind": "startup",
        "registration_code": "KL-1",
        "address": "",
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
    }
    assert verify() is None


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"registration_code": "HU-1"}, "registration_code", "already registered"),
        ({"kind": "charity"}, "kind", "is not a valid choice"),
        ({"contact_email": "not-an-address"}, "contact_email", "valid email"),
        ({"name_en": "x" * 201}, "name_en", "at most 200 characters"),
    ],
)
def test_a_bad_new_organisation_is_refused_naming_the_field_and_nothing_is_saved(
    org: Organisation, fields: dict[str, Any], field: str, message: str
) -> None:
    given = {"name_en": "New Lab", "kind": "startup", "registration_code": "NL-1", **fields}
    error = refused(lambda: actions.do_create_organisation(acting_user=None, **given))
    assert error.field == field
    assert message in error.message
    assert Organisation.objects.count() == 1


def test_updating_an_organisation_audits_before_and_after(
    org: Organisation, applicant: User
) -> None:
    actions.do_update_organisation(
        acting_user=applicant, organisation=org, contact_phone="+852 1234"
    )
    row = last_row()
    assert row.verb == "accounts.organisation.update"
    assert row.actor_label == "applicant@example.hk"
    assert row.before is not None
    assert row.after is not None
    assert (row.before["contact_phone"], row.after["contact_phone"]) == ("", "+852 1234")
    assert row.before["name_en"] == row.after["name_en"] == "Harbour University"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"owner": "me"}, "owner", "is not a field of an organisation"),
        ({"registration_code": "TAKEN-1"}, "registration_code", "already registered"),
        ({"kind": "guild"}, "kind", "is not a valid choice"),
    ],
)
def test_a_bad_organisation_change_is_refused_and_keeps_the_stored_values(
    org: Organisation,
    applicant: User,
    make_org: Callable[..., Organisation],
    changes: dict[str, Any],
    field: str,
    message: str,
) -> None:
    make_org(registration_code="TAKEN-1")
    error = refused(
        lambda: actions.do_update_organisation(acting_user=applicant, organisation=org, **changes)
    )
    assert error.field == field
    assert message in error.message
    stored = Organisation.objects.get(pk=org.pk)
    assert (stored.registration_code, stored.kind) == ("HU-1", "university")


def test_keeping_its_own_code_is_not_a_clash(org: Organisation, applicant: User) -> None:
    actions.do_update_organisation(
        acting_user=applicant, organisation=org, registration_code="HU-1"
    )
    assert Organisation.objects.get(pk=org.pk).registration_code == "HU-1"


# --- users --------------------------------------------------------------------------------


def test_creating_a_user_audits_the_roles_and_organisation_but_never_the_password(
    org: Organisation,
) -> None:
    user = actions.do_create_user(
        acting_user=None,
        email="  New.Person@Example.HK ",
        password=GOOD_PASSWORD,
        roles=(Role.FINANCE, Role.AUDITOR),
        organisation=org,
        membership_role="admin",
    )
    assert user.email == "new.person@example.hk"
    assert user.check_password(GOOD_PASSWORD)
    assert Membership.objects.get(user=user).role == "admin"
    row = last_row()
    assert (row.verb, row.actor_label) == ("accounts.user.create", "system")
    assert row.after == {
        "email": "new.person@example.hk",
        "roles": ["auditor", "finance"],
        "organisation": org.pk,
    }
    assert GOOD_PASSWORD not in str(row.after)


def test_only_the_admin_role_makes_a_user_django_staff(db: None) -> None:
    admin = actions.do_create_user(
        acting_user=None, email="a@aisc.hk", password=GOOD_PASSWORD, roles=(Role.ADMIN,)
    )
    operator = actions.do_create_user(
        acting_user=None, email="o@aisc.hk", password=GOOD_PASSWORD, roles=(Role.OPERATOR,)
    )
    assert (admin.is_staff, admin.is_superuser) == (True, True)
    assert (operator.is_staff, operator.is_superuser) == (False, False)


@pytest.mark.parametrize(
    ("given", "field", "message"),
    [
        ({"email": "not an address"}, "email", "must be a valid e-mail address"),
        ({"password": "short"}, "password", "too short"),
        ({"password": "password1234"}, "password", "too common"),
        ({"email": "APPLICANT@example.hk"}, "email", "a user with this email already exists"),
        ({"roles": ("reviewer", "wizard")}, "roles", "unknown role(s): wizard"),
    ],
)
def test_a_bad_new_user_is_refused_naming_the_field_and_nobody_is_created(
    applicant: User, given: dict[str, Any], field: str, message: str
) -> None:
    fields = {"email": "someone@example.hk", "password": GOOD_PASSWORD, **given}
    users = User.objects.count()
    error = refused(lambda: actions.do_create_user(acting_user=None, **fields))
    assert error.field == field
    assert message in error.message
    assert User.objects.count() == users


def test_an_invited_account_may_be_created_without_a_password(db: None) -> None:
    user = actions.do_create_user(acting_user=None, email="later@example.hk", password=None)
    assert not user.has_usable_password()


# --- memberships --------------------------------------------------------------------------


def test_inviting_someone_new_gives_them_the_language_the_inviter_uses(
    org: Organisation, applicant: User
) -> None:
    with translation.override("zh-hant"):
        invitation = invitations.do_invite_member(
            acting_user=applicant,
            organisation=org,
            email="Chan@Example.HK",
            base_url="https://aisc.example/",
            full_name=" Chan Tai Man ",
        )
    invited = invitation.user
    assert (invited.email, invited.full_name, invited.language) == (
        "chan@example.hk",
        "Chan Tai Man",
        "zh-hant",
    )
    assert not invited.has_usable_password()
    row = last_row()
    assert (row.verb, row.object_type) == ("accounts.membership.invite", "Invitation")
    assert row.after == {
        "email": "chan@example.hk",
        "organisation": org.pk,
        "role": "member",
        "accepted": None,
        "kind": "invitation",
    }


@pytest.mark.parametrize(
    ("given", "field", "message"),
    [
        ({"email": "nobody"}, "email", "must be a valid e-mail address"),
        ({"role": "owner"}, "role", "must be one of admin, member"),
        ({"email": "applicant@example.hk"}, "email", "this person is already a member"),
    ],
)
def test_a_bad_invitation_is_refused_and_creates_nobody(
    org: Organisation, applicant: User, given: dict[str, Any], field: str, message: str
) -> None:
    fields = {"email": "new@example.hk", "base_url": "https://aisc.example/", **given}
    users = User.objects.count()
    error = refused(
        lambda: invitations.do_invite_member(acting_user=applicant, organisation=org, **fields)
    )
    assert (error.field, error.message) == (field, message)
    assert User.objects.count() == users
    assert Membership.objects.filter(organisation=org).count() == 1


@pytest.fixture
def colleague(org: Organisation, make_user: Callable[..., User]) -> Membership:
    return make_user(org=org, email="colleague@example.hk").memberships.get()


def test_changing_a_role_audits_before_and_after(
    colleague: Membership, applicant: User, org: Organisation
) -> None:
    actions.do_change_member_role(acting_user=applicant, membership=colleague, role="admin")
    row = last_row()
    assert row.verb == "accounts.membership.change_role"
    assert row.before == {"user": "colleague@example.hk", "organisation": org.pk, "role": "member"}
    assert row.after == {"user": "colleague@example.hk", "organisation": org.pk, "role": "admin"}


def test_a_second_admin_lets_the_first_step_down(colleague: Membership, applicant: User) -> None:
    actions.do_change_member_role(acting_user=applicant, membership=colleague, role="admin")
    mine = applicant.memberships.get()
    actions.do_change_member_role(acting_user=applicant, membership=mine, role="member")
    assert Membership.objects.get(pk=mine.pk).role == "member"
    error = refused(lambda: actions.do_remove_member(acting_user=applicant, membership=colleague))
    assert (error.field, error.message) == ("role", "an organisation keeps at least one admin")


def test_removing_a_member_audits_who_left_and_deletes_only_that_membership(
    colleague: Membership, applicant: User, org: Organisation
) -> None:
    pk = colleague.pk
    actions.do_remove_member(acting_user=applicant, membership=colleague)
    row = last_row()
    assert (row.verb, row.object_id) == ("accounts.membership.remove", str(pk))
    assert row.before == {"user": "colleague@example.hk", "organisation": org.pk, "role": "member"}
    assert row.after is None
    assert not Membership.objects.filter(pk=pk).exists()
    assert User.objects.filter(email="colleague@example.hk").exists()


def test_a_bad_role_for_a_member_is_refused_naming_the_field(
    colleague: Membership, applicant: User
) -> None:
    error = refused(
        lambda: actions.do_change_member_role(acting_user=applicant, membership=colleague, role="x")
    )
    assert (error.field, error.message) == ("role", "must be one of admin, member")
    assert Membership.objects.get(pk=colleague.pk).role == "member"


# --- profile and staff roles --------------------------------------------------------------


def test_a_profile_change_audits_only_profile_fields(applicant: User) -> None:
    actions.do_update_profile(acting_user=applicant, full_name="Alex", digest_mail=True)
    row = last_row()
    assert row.verb == "accounts.user.update_profile"
    assert row.before == {
        "full_name": "",
        "language": "en",
        "time_zone": "Asia/Hong_Kong",
        "digest_mail": False,
        "declared_relationships": "",
        "analytics_report_mail": False,
    }
    assert row.after is not None
    assert (row.after["full_name"], row.after["digest_mail"]) == ("Alex", True)


def test_a_refused_profile_change_keeps_the_saved_profile(applicant: User) -> None:
    actions.do_update_profile(acting_user=applicant, full_name="Alex")
    error = refused(lambda: actions.do_update_profile(acting_user=applicant, full_name="x" * 201))
    assert error.field == "full_name"
    assert User.objects.get(pk=applicant.pk).full_name == "Alex"


def test_setting_staff_roles_audits_the_old_and_new_roles(
    make_user: Callable[..., User],
) -> None:
    admin = make_user(Role.ADMIN)
    person = make_user(Role.REVIEWER)
    actions.do_set_staff_roles(
        acting_user=admin, user=person, roles=(Role.COMMITTEE, Role.REVIEWER)
    )
    row = last_row()
    assert (row.verb, row.before, row.after) == (
        "accounts.user.set_roles",
        {"roles": ["reviewer"]},
        {"roles": ["committee", "reviewer"]},
    )
    assert User.objects.get(pk=person.pk).role_codes() == {"committee", "reviewer"}


def test_a_deactivated_admin_does_not_count_as_the_other_admin(
    make_user: Callable[..., User],
) -> None:
    admin = make_user(Role.ADMIN)
    make_user(Role.ADMIN, is_active=False)
    error = refused(lambda: actions.do_set_staff_roles(acting_user=admin, user=admin, roles=()))
    assert (error.field, error.message) == ("roles", "the platform keeps at least one admin")
    assert User.objects.get(pk=admin.pk).role_codes() == {"admin"}


def test_granting_admin_makes_a_superuser_and_withdrawing_it_unmakes_one(
    make_user: Callable[..., User],
) -> None:
    admin = make_user(Role.ADMIN)
    person = make_user()
    actions.do_set_staff_roles(acting_user=admin, user=person, roles=(Role.ADMIN,))
    assert User.objects.get(pk=person.pk).is_superuser
    actions.do_set_staff_roles(acting_user=admin, user=person, roles=(Role.AUDITOR,))
    stored = User.objects.get(pk=person.pk)
    assert (stored.is_staff, stored.is_superuser, set(stored.role_codes())) == (
        False,
        False,
        {"auditor"},
    )
