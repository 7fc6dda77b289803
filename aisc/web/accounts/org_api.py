"""API /api/v1/organisations: the organisation and member management of the portal's pages, with
the same rules. Members read their organisation and its members; its admins edit it, invite,
change roles and remove; staff read every organisation. Objects are found first (404) and then
checked (403).

An invitation is a membership whose person has not yet set a password (they were invited by mail
and have not followed the link); `GET .../invitations` lists those.
"""

# No `from __future__ import annotations` here: django-ninja resolves annotations at import.

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from aisc.web.accounts import actions, authz, invitations
from aisc.web.accounts.models import Invitation, Membership, MembershipRole, Organisation

router = Router(tags=["organisations"])


class OrganisationOut(Schema):
    id: int
    name_en: str
    name_zh: str
    kind: str
    registration_code: str
    address: str
    contact_name: str
    contact_email: str
    contact_phone: str


class OrganisationPatch(Schema):
    name_en: str | None = None
    name_zh: str | None = None
    kind: str | None = None
    registration_code: str | None = None
    address: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None


class MemberOut(Schema):
    id: int
    user_id: int
    email: str
    full_name: str
    role: str
    pending: bool


class InviteIn(Schema):
    email: str
    full_name: str = ""
    role: str = MembershipRole.MEMBER


class InvitationOut(Schema):
    """All the inviter learns: the address as typed, the role, and the answer once given."""

    id: int
    email: str
    role: str
    status: str  # "invited", "accepted" or "declined"


def invitation_out(invitation: Invitation) -> InvitationOut:
    status = {None: "invited", True: "accepted", False: "declined"}[invitation.accepted]
    return InvitationOut(
        id=invitation.pk, email=invitation.email, role=invitation.role, status=status
    )


class RoleIn(Schema):
    role: str


def member_out(membership: Membership) -> MemberOut:
    user = membership.user
    return MemberOut(
        id=membership.pk,
        user_id=user.pk,
        email=user.email,
        full_name=user.full_name,
        role=membership.role,
        pending=not user.has_usable_password(),
    )


def _organisation(request: HttpRequest, org_id: int, action: str) -> Organisation:
    org = get_object_or_404(Organisation, pk=org_id)
    authz.require(authz.acting_user(request), action, org)
    return org


def _membership(request: HttpRequest, org_id: int, membership_id: int) -> Membership:
    org = _organisation(request, org_id, "accounts.member.manage")
    return get_object_or_404(
        Membership.objects.select_related("user", "organisation"),
        pk=membership_id,
        organisation=org,
    )


def _members(org: Organisation) -> QuerySet[Membership]:
    return org.memberships.select_related("user").order_by("user__email")


@router.get("", response=list[OrganisationOut])
@paginate(page_size=50)
def list_organisations(request: HttpRequest) -> Any:
    user = authz.acting_user(request)
    authz.require(user, "accounts.organisation.view")
    if authz.reads_every_organisation(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(memberships__user=user)


@router.get("/{org_id}", response=OrganisationOut)
def get_organisation(request: HttpRequest, org_id: int) -> Organisation:
    return _organisation(request, org_id, "accounts.organisation.view")


@router.patch("/{org_id}", response=OrganisationOut)
def update_organisation(request: HttpRequest, org_id: int, body: OrganisationPatch) -> Organisation:
    org = _organisation(request, org_id, "accounts.organisation.edit")
    changes = body.model_dump(exclude_unset=True)
    return actions.do_update_organisation(
        acting_user=authz.acting_user(request), organisation=org, **changes
    )


@router.get("/{org_id}/members", response=list[MemberOut])
def list_members(request: HttpRequest, org_id: int) -> list[MemberOut]:
    org = _organisation(request, org_id, "accounts.organisation.view")
    return [member_out(m) for m in _members(org)]


@router.get("/{org_id}/invitations", response=list[InvitationOut])
def list_invitations(request: HttpRequest, org_id: int) -> list[InvitationOut]:
    """The invitations not yet answered."""
    org = _organisation(request, org_id, "accounts.organisation.view")
    pending = org.invitations.filter(answered_at__isnull=True).order_by("email")
    return [invitation_out(i) for i in pending]


@router.post("/{org_id}/members", response={201: InvitationOut})
def invite_member(request: HttpRequest, org_id: int, body: InviteIn) -> Status[InvitationOut]:
    """An invitation the person accepts (GET/POST /me/invitations); until then, no membership."""
    org = _organisation(request, org_id, "accounts.member.manage")
    invitation = invitations.do_invite_member(
        acting_user=authz.acting_user(request),
        organisation=org,
        base_url=request.build_absolute_uri("/"),
        **body.model_dump(),
    )
    return Status(201, invitation_out(invitation))


@router.patch("/{org_id}/members/{membership_id}", response=MemberOut)
def change_member_role(
    request: HttpRequest, org_id: int, membership_id: int, body: RoleIn
) -> MemberOut:
    membership = _membership(request, org_id, membership_id)
    changed = actions.do_change_member_role(
        acting_user=authz.acting_user(request), membership=membership, role=body.role
    )
    return member_out(changed)


@router.delete("/{org_id}/members/{membership_id}", response={204: None})
def remove_member(request: HttpRequest, org_id: int, membership_id: int) -> Status[None]:
    membership = _membership(request, org_id, membership_id)
    actions.do_remove_member(acting_user=authz.acting_user(request), membership=membership)
    return Status(204, None)
