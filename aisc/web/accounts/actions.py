"""do_* actions of accounts: each is atomic and writes one audit row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from aisc.core.errors import RuleViolation
from aisc.web.accounts import tokens
from aisc.web.accounts.models import ApiToken, Membership, Organisation, Role, User
from aisc.web.audit.record import record

MAX_TOKEN_DAYS = 366


def snapshot_org(org: Organisation) -> dict[str, Any]:
    return {
        "name_en": org.name_en,
        "name_zh": org.name_zh,
        "kind": org.kind,
        "registration_code": org.registration_code,
    }


@transaction.atomic
def do_create_organisation(
    *, acting_user: User | None, name_en: str, kind: str, registration_code: str, **fields: Any
) -> Organisation:
    if Organisation.objects.filter(registration_code=registration_code).exists():
        raise RuleViolation(
            "an organisation with this code is already registered", field="registration_code"
        )
    org = Organisation.objects.create(
        name_en=name_en, kind=kind, registration_code=registration_code, **fields
    )
    record(acting_user, "organisation.create", org, after=snapshot_org(org))
    return org


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
        "user.create",
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


@transaction.atomic
def do_create_api_token(*, acting_user: User, name: str, days: int) -> IssuedToken:
    if not name.strip():
        raise RuleViolation("a token needs a name", field="name")
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise RuleViolation(f"must be between 1 and {MAX_TOKEN_DAYS} days", field="days")
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
        "api_token.create",
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
    record(acting_user, "api_token.revoke", token, after={"revoked_at": token.revoked_at})
    return token


def authenticate_token(secret: str) -> User | None:
    """Look a bearer secret up by digest; note its last use. Not audited: it changes no state."""
    token = ApiToken.objects.select_related("user").filter(digest=tokens.digest(secret)).first()
    now = timezone.now()
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
