"""API: who am I, and my tokens."""

# No `from __future__ import annotations` here: django-ninja resolves Query[...] and schema
# annotations at import time.

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from aisc.web.accounts import actions, authz, invitations
from aisc.web.accounts.models import ApiToken, Invitation
from aisc.web.accounts.throttling import ApiThrottle, TokenCreationThrottle

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    roles: list[str]
    organisations: list[int]


class TokenIn(Schema):
    name: str = Field(max_length=100)
    # None: 90 days, or AISC_TOKEN_MAX_DAYS if that is shorter.
    days: int | None = None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None


class TokenCreated(TokenOut):
    secret: str


@router.get("", response=MeOut)
def me(request: HttpRequest) -> MeOut:
    user = authz.acting_user(request)
    authz.require(user, "portal.dashboard.view")
    return MeOut(
        id=user.pk,
        email=user.email,
        full_name=user.full_name,
        roles=sorted(user.role_codes()),
        organisations=list(user.memberships.values_list("organisation_id", flat=True)),
    )


@router.get("/tokens", response=list[TokenOut])
@paginate(page_size=50)
def list_tokens(request: HttpRequest) -> list[ApiToken]:
    user = authz.acting_user(request)
    authz.require(user, "accounts.token.manage")
    return list(user.api_tokens.all())


@router.post(
    "/tokens", response={201: TokenCreated}, throttle=[ApiThrottle(), TokenCreationThrottle()]
)
def create_token(request: HttpRequest, body: TokenIn) -> Status[TokenCreated]:
    user = authz.acting_user(request)
    authz.require(user, "accounts.token.manage")
    if getattr(request, "api_token", None) is not None:
        # A leaked token must not be able to outlive its own revocation or expiry.
        raise authz.Refused("a token cannot create tokens; log in to the portal", field="token")
    issued = actions.do_create_api_token(acting_user=user, name=body.name, days=body.days)
    out = TokenOut.from_orm(issued.token).model_dump()
    return Status(201, TokenCreated(**out, secret=issued.secret))


@router.delete("/tokens/{token_id}", response=TokenOut)
def revoke_token(request: HttpRequest, token_id: int) -> ApiToken:
    user = authz.acting_user(request)
    token = get_object_or_404(ApiToken, pk=token_id, user=user)
    authz.require(user, "accounts.token.manage", token)
    return actions.do_revoke_api_token(acting_user=user, token=token)


class MyInvitationOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    role: str


class AnswerIn(Schema):
    accept: bool


def my_invitation_out(invitation: Invitation) -> MyInvitationOut:
    return MyInvitationOut(
        id=invitation.pk,
        organisation_id=invitation.organisation_id,
        organisation=invitation.organisation.name_en,
        role=invitation.role,
    )


@router.get("/invitations", response=list[MyInvitationOut])
def list_my_invitations(request: HttpRequest) -> list[MyInvitationOut]:
    """Organisations that invited me and await my answer."""
    user = authz.acting_user(request)
    return [my_invitation_out(i) for i in invitations.open_invitations(user)]


@router.post("/invitations/{invitation_id}", response=MyInvitationOut)
def answer_invitation(request: HttpRequest, invitation_id: int, body: AnswerIn) -> MyInvitationOut:
    """Accept (become a member) or decline; only the invited person, once."""
    user = authz.acting_user(request)
    invitation = get_object_or_404(
        Invitation.objects.select_related("organisation"),
        pk=invitation_id,
        user=user,
        answered_at__isnull=True,
    )
    answered = invitations.do_answer_invitation(
        acting_user=user, invitation=invitation, accept=body.accept
    )
    return my_invitation_out(answered)
