"""do_* actions of accounts: each is atomic and writes one audit row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aisc.core.errors import RuleViolation
from aisc.web.accounts import authz, callers, links, tokens, verbs
from aisc.web.accounts.models import (
    ApiToken,
    Membership,
    MembershipRole,
    Organisation,
    Role,
    User,
)
from aisc.web.audit.record import record

DEFAULT_TOKEN_DAYS = 90


ORG_FIELDS = (
    "name_en",
    "name_zh",
    "kind",
    "registration_code",
    "address",
    "contact_name",
    "contact_email",
    "contact_phone",
)


def snapshot_org(org: Organisation) -> dict[str, Any]:
    return {name: getattr(org, name) for name in ORG_FIELDS}


def check_model(obj: Organisation | User, exclude: tuple[str, ...] = ()) -> None:
    """Django's own field validation (choices, lengths, e-mail syntax), as a RuleViolation that
    names the first failing field."""
    try:
        obj.full_clean(exclude=[*exclude], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise RuleViolation(" ".join(messages), field=field) from exc


@transaction.atomic
def do_create_organisation(
    *, acting_user: User | None, name_en: str, kind: str, registration_code: str, **fields: Any
) -> Organisation:
    if Organisation.objects.filter(registration_code=registration_code).exists():
        raise RuleViolation(
            "an organisation with this code is already registered", field="registration_code"
        )
    org = Organisation(name_en=name_en, kind=kind, registration_code=registration_code, **fields)
    check_model(org)
    org.save()
    record(acting_user, verbs.ORGANISATION_CREATE, org, after=snapshot_org(org))
    return org


@transaction.atomic
def do_update_organisation(
    *, acting_user: User, organisation: Organisation, **changes: Any
) -> Organisation:
    unknown = sorted(set(changes) - set(ORG_FIELDS))
    if unknown:
        raise RuleViolation("is not a field of an organisation", field=unknown[0])
    code = changes.get("registration_code", organisation.registration_code)
    taken = Organisation.objects.filter(registration_code=code).exclude(pk=organisation.pk)
    if taken.exists():
        raise RuleViolation(
            "an organisation with this code is already registered", field="registration_code"
        )
    before = snapshot_org(organisation)
    for name, value in changes.items():
        setattr(organisation, name, value)
    check_model(organisation)
    organisation.save()
    record(
        acting_user,
        verbs.ORGANISATION_UPDATE,
        organisation,
        before=before,
        after=snapshot_org(organisation),
    )
    return organisation


def check_new_credentials(email: str, password: str | None) -> None:
    """The portal's forms apply these rules; callers without a form (`aisc createadmin`, the demo)
    get them here, so no account has an address or a password that the portal would refuse."""
    try:
        validate_email(email)
    except ValidationError as exc:
        raise RuleViolation("must be a valid e-mail address", field="email") from exc
    if password is None:
        return  # an invited account sets its password later, through the validated form
    try:
        password_validation.validate_password(password)
    except ValidationError as exc:
        raise RuleViolation(" ".join(exc.messages), field="password") from exc


@transaction.atomic
def do_create_user(
    *,
    acting_user: User | None,
    email: str,
    password: str | None,
    full_name: str = "",
    roles: tuple[str, ...] = (),
    organisation: Organisation | None = None,
    membership_role: str = "member",
) -> User:
    email = email.strip().lower()
    check_new_credentials(email, password)
    if User.objects.filter(email=email).exists():
        raise RuleViolation("a user with this email already exists", field="email")
    user = User.objects.create_user(email=email, password=password, full_name=full_name)
    if roles:
        found = list(Role.objects.filter(code__in=roles))
        unknown = set(roles) - {role.code for role in found}
        if unknown:
            raise RuleViolation(f"unknown role(s): {', '.join(sorted(unknown))}", field="roles")
        user.roles.set(found)
        user.is_staff = Role.ADMIN in roles
        user.is_superuser = Role.ADMIN in roles
        user.save(update_fields=["is_staff", "is_superuser"])
    if organisation is not None:
        Membership.objects.create(user=user, organisation=organisation, role=membership_role)
    record(
        acting_user,
        verbs.USER_CREATE,
        user,
        after={
            "email": email,
            "roles": sorted(roles),
            "organisation": organisation.pk if organisation else None,
        },
    )
    return user


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown to the user once, never stored


def token_days(days: int | None) -> int:
    """The lifetime asked for, within 1 .. AISC_TOKEN_MAX_DAYS; none asked: 90 days or the
    maximum, if shorter."""
    longest: int = settings.AISC_TOKEN_MAX_DAYS
    if days is None:
        return min(DEFAULT_TOKEN_DAYS, longest)
    if not 1 <= days <= longest:
        raise RuleViolation(f"must be between 1 and {longest} days", field="days")
    return days


@transaction.atomic
def do_create_api_token(*, acting_user: User, name: str, days: int | None) -> IssuedToken:
    if not name.strip():
        raise RuleViolation("a token needs a name", field="name")
    days = token_days(days)
    secret = tokens.new_secret()
    token = ApiToken.objects.create(
        user=acting_user,
        name=name.strip(),
        prefix=tokens.display_prefix(secret),
        digest=tokens.digest(secret),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    record(
        acting_user,
        verbs.API_TOKEN_CREATE,
        token,
        after={"name": token.name, "expires_at": token.expires_at.isoformat()},
    )
    return IssuedToken(token, secret)


@transaction.atomic
def do_revoke_api_token(*, acting_user: User, token: ApiToken) -> ApiToken:
    if token.revoked_at is not None:
        raise RuleViolation("this token is already revoked", field="token")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(acting_user, verbs.API_TOKEN_REVOKE, token, after={"revoked_at": token.revoked_at})
    return token


@transaction.atomic
def do_revoke_tokens_of(*, acting_user: User | None, user: User, reason: str) -> int:
    """Revoke every live token of `user` (their password changed, a staff role was taken away):
    a secret copied before the change must not outlive it. One audit row when any was live."""
    now = timezone.now()
    live = list(
        ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not live:
        return 0
    ApiToken.objects.filter(pk__in=live).update(revoked_at=now)
    record(
        acting_user,
        verbs.API_TOKEN_REVOKE_ALL,
        user,
        after={"reason": reason, "tokens": live, "revoked_at": now},
    )
    return len(live)


# The last use is shown to the minute: a script calling many times a second writes it once a
# minute, not once a request (a write, and a commit, on every API call).
LAST_USE_PRECISION = dt.timedelta(minutes=1)


def authenticate_token(secret: str) -> ApiToken | None:
    """Look a bearer secret up by digest; note its last use. Not audited: it changes no state."""
    token = callers.token_with_user(tokens.digest(secret))
    now = timezone.now()
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def snapshot_membership(membership: Membership) -> dict[str, Any]:
    return {
        "user": membership.user.email,
        "organisation": membership.organisation_id,
        "role": membership.role,
    }


def check_membership_role(role: str) -> None:
    if role not in MembershipRole.values:
        raise RuleViolation(f"must be one of {', '.join(MembershipRole.values)}", field="role")


def keep_one_admin(membership: Membership, new_role: str | None) -> None:
    """An organisation never loses its last admin: nobody could manage it afterwards."""
    if membership.role != MembershipRole.ADMIN or new_role == MembershipRole.ADMIN:
        return
    admins = Membership.objects.filter(
        organisation_id=membership.organisation_id, role=MembershipRole.ADMIN
    )
    if admins.exclude(pk=membership.pk).count() == 0:
        raise RuleViolation("an organisation keeps at least one admin", field="role")


def set_password_link(user: User, base_url: str) -> str:
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": links.link_id(user),
            "token": default_token_generator.make_token(user),
        },
    )
    return base_url.rstrip("/") + path


@transaction.atomic
def do_change_member_role(*, acting_user: User, membership: Membership, role: str) -> Membership:
    check_membership_role(role)
    keep_one_admin(membership, role)
    before = snapshot_membership(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    record(
        acting_user,
        verbs.MEMBERSHIP_CHANGE_ROLE,
        membership,
        before=before,
        after=snapshot_membership(membership),
    )
    return membership


@transaction.atomic
def do_remove_member(*, acting_user: User, membership: Membership) -> None:
    keep_one_admin(membership, None)
    record(acting_user, verbs.MEMBERSHIP_REMOVE, membership, before=snapshot_membership(membership))
    membership.delete()


PROFILE_FIELDS = (
    "full_name",
    "language",
    "time_zone",
    "digest_mail",
    "declared_relationships",
    "analytics_report_mail",
)
# The rule billing registers for the centre analytics (accounts sits below billing: by name).
ANALYTICS_VIEW = "billing.analytics.view"


def snapshot_profile(user: User) -> dict[str, Any]:
    return {name: getattr(user, name) for name in PROFILE_FIELDS}


@transaction.atomic
def do_update_profile(*, acting_user: User, **changes: Any) -> User:
    unknown = sorted(set(changes) - set(PROFILE_FIELDS))
    if unknown:
        raise RuleViolation("is not a profile field", field=unknown[0])
    if changes.get("analytics_report_mail") and not authz.can(acting_user, ANALYTICS_VIEW):
        raise RuleViolation(
            _("only staff who may see the centre analytics can receive its monthly report"),
            field="analytics_report_mail",
        )
    before = snapshot_profile(acting_user)
    for name, value in changes.items():
        setattr(acting_user, name, value)
    check_model(acting_user, exclude=("password",))
    acting_user.save(update_fields=list(changes))
    record(
        acting_user,
        verbs.USER_UPDATE_PROFILE,
        acting_user,
        before=before,
        after=snapshot_profile(acting_user),
    )
    return acting_user


@transaction.atomic
def do_set_staff_roles(*, acting_user: User, user: User, roles: tuple[str, ...]) -> User:
    found = list(Role.objects.filter(code__in=roles))
    unknown = set(roles) - {role.code for role in found}
    if unknown:
        raise RuleViolation(f"unknown role(s): {', '.join(sorted(unknown))}", field="roles")
    before = sorted(user.role_codes())
    other_admins = User.objects.filter(roles__code=Role.ADMIN, is_active=True).exclude(pk=user.pk)
    if Role.ADMIN in before and Role.ADMIN not in roles and not other_admins.exists():
        raise RuleViolation("the platform keeps at least one admin", field="roles")
    user.roles.set(found)
    user.is_staff = user.is_superuser = Role.ADMIN in roles
    user.save(update_fields=["is_staff", "is_superuser"])
    user.__dict__.pop("_role_codes", None)
    record(
        acting_user,
        verbs.USER_SET_ROLES,
        user,
        before={"roles": before},
        after={"roles": sorted(roles)},
    )
    return user
