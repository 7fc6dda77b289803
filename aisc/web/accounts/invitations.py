"""Membership by consent: an organisation admin invites, the invited person accepts or declines.

The inviter learns nothing about the account behind an address: whether it exists, its name,
whether it is already pending; every invitation is answered the same way (the address as typed,
the role, "invited"). A membership, which access and the conflict-of-interest rule read, exists
only once the person accepts.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from aisc.core.errors import RuleViolation
from aisc.web import notify
from aisc.web.accounts import verbs
from aisc.web.accounts.actions import check_membership_role, set_password_link
from aisc.web.accounts.models import (
    Invitation,
    InvitationKind,
    Membership,
    MembershipRole,
    Organisation,
    User,
)
from aisc.web.accounts.registration import tell_admins
from aisc.web.audit.record import record


def _facts(invitation: Invitation) -> dict[str, object]:
    return {
        "email": invitation.email,
        "organisation": invitation.organisation_id,
        "role": invitation.role,
        "accepted": invitation.accepted,
        "kind": invitation.kind,
    }


@transaction.atomic
def do_invite_member(
    *,
    acting_user: User,
    organisation: Organisation,
    email: str,
    base_url: str,
    full_name: str = "",
    role: str = MembershipRole.MEMBER,
) -> Invitation:
    """Invite an address. Someone new gets an account without a password and a link to set one;
    everyone gets a mail asking them to accept on the portal. Inviting again while one is pending
    changes nothing and answers the same."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise RuleViolation("must be a valid e-mail address", field="email") from exc
    check_membership_role(role)
    user = User.objects.filter(email=email).first()
    is_new = user is None
    if user is None:
        language = translation.get_language()
        user = User.objects.create_user(
            email=email,
            password=None,
            full_name=full_name.strip(),
            language=language if language in dict(settings.LANGUAGES) else "en",
        )
    elif Membership.objects.filter(user=user, organisation=organisation).exists():
        # the inviter administers the organisation and sees its members: this reveals nothing
        raise RuleViolation("this person is already a member", field="email")
    pending = _open_between(user, organisation)
    if pending is not None:
        return pending
    invitation = Invitation.objects.create(
        organisation=organisation, user=user, email=email, role=role, invited_by=acting_user
    )
    record(acting_user, verbs.MEMBERSHIP_INVITE, invitation, after=_facts(invitation))
    base = base_url.rstrip("/")
    context = {
        "organisation": organisation,
        "inviter": acting_user,
        "role": role,
        "answer": base + "/accounts/invitations/",
    }
    if is_new:
        context["link"] = set_password_link(user, base_url)
        notify.send(user, _("You are invited to AISC"), "accounts/mail/invite.txt", context)
    else:
        notify.send(
            user,
            _("You are invited to an organisation on AISC"),
            "accounts/mail/added.txt",
            context,
        )
    return invitation


@transaction.atomic
def do_answer_invitation(*, acting_user: User, invitation: Invitation, accept: bool) -> Invitation:
    """Only the invited person answers, once; accepting makes them a member."""
    if (
        invitation.kind != InvitationKind.INVITATION
        or invitation.user_id != acting_user.pk
        or invitation.answered_at is not None
    ):
        raise RuleViolation("this invitation is not open to you", field="invitation")
    _answer(invitation, accept)
    verb = verbs.MEMBERSHIP_ACCEPT if accept else verbs.MEMBERSHIP_DECLINE
    record(acting_user, verb, invitation, after=_facts(invitation))
    return invitation


def _open_between(user: User, organisation: Organisation) -> Invitation | None:
    """The unanswered invitation or request between the person and the organisation: one is
    open at a time, whichever side asked first."""
    return Invitation.objects.filter(
        user=user, organisation=organisation, answered_at__isnull=True
    ).first()


def _answer(invitation: Invitation, accept: bool) -> None:
    invitation.answered_at, invitation.accepted = timezone.now(), accept
    invitation.save(update_fields=["answered_at", "accepted"])
    member = Membership.objects.filter(user=invitation.user, organisation=invitation.organisation)
    if accept and not member.exists():
        Membership.objects.create(
            user=invitation.user, organisation=invitation.organisation, role=invitation.role
        )


@transaction.atomic
def do_request_membership(
    *, acting_user: User, registration_code: str, base_url: str
) -> Invitation:
    """Ask to join the organisation registered under the code; its admins accept or decline.
    Asking again while a request or an invitation is open changes nothing."""
    code = registration_code.strip()
    organisation = Organisation.objects.filter(registration_code__iexact=code).first()
    if organisation is None:
        raise RuleViolation(
            "no organisation is registered under this code", field="registration_code"
        )
    if Membership.objects.filter(user=acting_user, organisation=organisation).exists():
        raise RuleViolation(
            "you are already a member of this organisation", field="registration_code"
        )
    pending = _open_between(acting_user, organisation)
    if pending is not None:
        return pending
    request = Invitation.objects.create(
        organisation=organisation,
        user=acting_user,
        email=acting_user.email,
        role=MembershipRole.MEMBER,
        kind=InvitationKind.REQUEST,
    )
    record(acting_user, verbs.MEMBERSHIP_REQUEST, request, after=_facts(request))
    page = base_url.rstrip("/") + f"/accounts/organisations/{organisation.pk}/"
    tell_admins(
        organisation,
        _("Someone asks to join your organisation on AISC"),
        "accounts/mail/join_request.txt",
        {"requester": acting_user, "page": page},
    )
    return request


@transaction.atomic
def do_answer_join_request(
    *, acting_user: User, invitation: Invitation, accept: bool
) -> Invitation:
    """An admin of the organisation answers a person's request to join, once."""
    admin = Membership.objects.filter(
        user=acting_user, organisation=invitation.organisation, role=MembershipRole.ADMIN
    ).exists()
    if invitation.kind != InvitationKind.REQUEST or invitation.answered_at is not None or not admin:
        raise RuleViolation("this request is not open to you", field="invitation")
    _answer(invitation, accept)
    verb = verbs.MEMBERSHIP_ACCEPT if accept else verbs.MEMBERSHIP_DECLINE
    record(acting_user, verb, invitation, after=_facts(invitation))
    notify.send(
        invitation.user,
        _("Your request to join an organisation on AISC was answered"),
        "accounts/mail/join_answered.txt",
        {"organisation": invitation.organisation, "accepted": accept},
    )
    return invitation


def join_requests(organisation: Organisation) -> list[Invitation]:
    return list(
        organisation.invitations.filter(kind=InvitationKind.REQUEST, answered_at__isnull=True)
        .select_related("user")
        .order_by("created_at")
    )


def open_invitations(user: User) -> list[Invitation]:
    return list(
        Invitation.objects.filter(
            user=user, answered_at__isnull=True, kind=InvitationKind.INVITATION
        )
        .select_related("organisation", "invited_by")
        .order_by("created_at")
    )
