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
from aisc.web.accounts.models import Invitation, Membership, MembershipRole, Organisation, User
from aisc.web.audit.record import record


def _facts(invitation: Invitation) -> dict[str, object]:
    return {
        "email": invitation.email,
        "organisation": invitation.organisation_id,
        "role": invitation.role,
        "accepted": invitation.accepted,
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
    pending = Invitation.objects.filter(
        user=user, organisation=organisation, answered_at__isnull=True
    ).first()
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
    if invitation.user_id != acting_user.pk or invitation.answered_at is not None:
        raise RuleViolation("this invitation is not open to you", field="invitation")
    invitation.answered_at, invitation.accepted = timezone.now(), accept
    invitation.save(update_fields=["answered_at", "accepted"])
    if (
        accept
        and not Membership.objects.filter(
            user=acting_user, organisation=invitation.organisation
        ).exists()
    ):
        Membership.objects.create(
            user=acting_user, organisation=invitation.organisation, role=invitation.role
        )
    verb = verbs.MEMBERSHIP_ACCEPT if accept else verbs.MEMBERSHIP_DECLINE
    record(acting_user, verb, invitation, after=_facts(invitation))
    return invitation


def open_invitations(user: User) -> list[Invitation]:
    return list(
        Invitation.objects.filter(user=user, answered_at__isnull=True)
        .select_related("organisation", "invited_by")
        .order_by("created_at")
    )
