"""The one authorisation module: every view and API handler asks it. Deny by default.

An action is a dotted string such as "audit.view" or "grants.application.edit". Each domain app
registers a rule for each action it guards. Two role-wide rules sit on top:
- admin may do everything;
- auditor may do every action whose name ends in ".view" (read-only everywhere).
An action with no registered rule is denied to everyone else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from aisc.web.accounts.models import Role, User

Rule = Callable[[User, Any], bool]


class Refused(PermissionDenied):
    """A 403 that says why and names the field at fault, for the one error body.

    A PermissionDenied subclass, so a portal view raising it still gets Django's 403 page.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


_rules: dict[str, Rule] = {}


def rule(action: str) -> Callable[[Rule], Rule]:
    """Register the rule for one action; registering twice is a programming error."""

    def register(fn: Rule) -> Rule:
        if action in _rules:
            raise RuntimeError(f"a rule for {action!r} is already registered")
        _rules[action] = fn
        return fn

    return register


def acting_user(request: HttpRequest) -> User:
    """The signed-in user a request acts as, once login (or the API's auth) has let it in."""
    user = request.user
    assert isinstance(user, User)
    return user


def registered_actions() -> frozenset[str]:
    return frozenset(_rules)


def can(user: User | AnonymousUser | None, action: str, obj: Any = None) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    assert isinstance(user, User)
    if user.has_role(Role.ADMIN):
        return True
    if action.endswith(".view") and user.has_role(Role.AUDITOR):
        return True
    fn = _rules.get(action)
    return fn is not None and fn(user, obj)


def require(user: User | AnonymousUser | None, action: str, obj: Any = None) -> None:
    if not can(user, action, obj):
        raise PermissionDenied(action)


def has_roles(*codes: str) -> Rule:
    """A rule that holds for users with any of the given staff roles."""

    def check(user: User, obj: Any) -> bool:
        return user.has_role(*codes)

    return check


def member_of(user: User, organisation_id: int | None) -> bool:
    return (
        organisation_id is not None
        and user.memberships.filter(organisation_id=organisation_id).exists()
    )


def admin_of(user: User, organisation_id: int | None) -> bool:
    return (
        organisation_id is not None
        and user.memberships.filter(organisation_id=organisation_id, role="admin").exists()
    )


# Rules of the foundation apps.
rule("audit.view")(has_roles(Role.AUDITOR, Role.ADMIN))
rule("accounts.token.manage")(lambda user, obj: obj is None or obj.user_id == user.pk)
# Staff whose work spans organisations read every one (auditors and admins through the defaults).
ORGANISATION_READERS = (Role.SECRETARIAT, Role.COMMITTEE, Role.FINANCE, Role.OPERATOR)


def reads_every_organisation(user: User) -> bool:
    """Whether a list of organisations shows this user all of them, not only their own."""
    return user.has_role(*ORGANISATION_READERS, Role.AUDITOR, Role.ADMIN)


rule("accounts.organisation.view")(
    lambda user, obj: obj is None or member_of(user, obj.pk) or user.has_role(*ORGANISATION_READERS)
)
rule("accounts.organisation.edit")(lambda user, obj: obj is not None and admin_of(user, obj.pk))
rule("accounts.organisation.list")(lambda user, obj: user.memberships.exists())
rule("accounts.member.manage")(lambda user, obj: obj is not None and admin_of(user, obj.pk))
# A signed-in person registers an organisation or asks to join one; the secretariat verifies.
rule("accounts.organisation.register")(lambda user, obj: True)
rule("accounts.organisation.verify")(has_roles(Role.SECRETARIAT))
rule("accounts.registration_document.view")(
    lambda user, obj: (
        obj is not None
        and (member_of(user, obj.organisation_id) or user.has_role(Role.SECRETARIAT))
    )
)
rule("accounts.profile.edit")(lambda user, obj: obj is None or obj.pk == user.pk)
# accounts.staff.manage has no rule: only admins grant staff roles.
rule("portal.dashboard.view")(lambda user, obj: True)
