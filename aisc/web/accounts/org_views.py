"""Organisation pages: members see their organisation; its admins edit it and manage members."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aisc.core.errors import AiscError
from aisc.web.accounts import actions, authz, invitations
from aisc.web.accounts.forms import (
    DocumentForm,
    InviteForm,
    JoinForm,
    MemberRoleForm,
    OrganisationForm,
    add_domain_error,
)
from aisc.web.accounts.models import (
    Membership,
    Organisation,
    OrgKind,
    User,
    VerificationStatus,
)
from aisc.web.i18n import explain
from aisc.web.lists import Choice, ListSpec, Search

ORGANISATIONS = ListSpec(
    sorts={
        "name": "name_en",
        "kind": "kind",
        "status": "status",
        "registered": "created_at",
    },
    default="name",
    filters=(
        Search(
            "q",
            gettext_lazy("Name or registration number"),
            ("name_en", "name_zh", "registration_code"),
        ),
        Choice("kind", gettext_lazy("Type"), "kind", OrgKind.choices),
        Choice("status", gettext_lazy("Verification"), "status", VerificationStatus.choices),
    ),
)
ORGANISATION_COLUMNS = [
    ("name", gettext_lazy("Organisation")),
    ("kind", gettext_lazy("Type")),
    ("status", gettext_lazy("Verification")),
    ("registered", gettext_lazy("Registered")),
    ("role", gettext_lazy("Your role")),
]


def signed_in(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@login_required
def my_organisations(request: HttpRequest) -> HttpResponse:
    # Any signed-in user may see this page: members get their own organisations, staff whose
    # work spans organisations get every one (as the API's list does), and anyone else the
    # empty list, not a refusal. The menu still offers it only to members.
    user = signed_in(request)
    every = authz.reads_every_organisation(user)
    base = (
        Organisation.objects.all() if every else Organisation.objects.filter(memberships__user=user)
    )
    listed = ORGANISATIONS.apply(request, base)
    roles = {m.organisation_id: m.get_role_display() for m in user.memberships.all()}
    context = {
        "listed": listed,
        "columns": listed.headers(ORGANISATION_COLUMNS),
        "rows": [(org, roles.get(org.pk)) for org in listed.rows],
        "every": every,
        "join_form": JoinForm(),
    }
    return render(request, "accounts/organisations.html", context)


def detail_page(
    request: HttpRequest, org: Organisation, invite: InviteForm | None = None
) -> HttpResponse:
    user = signed_in(request)
    manage = authz.can(user, "accounts.member.manage", org)
    members = org.memberships.select_related("user").order_by("user__email")
    return render(
        request,
        "accounts/organisation.html",
        {
            "org": org,
            "members": [(m, MemberRoleForm(initial={"role": m.role})) for m in members],
            "can_edit": authz.can(user, "accounts.organisation.edit", org),
            "can_manage": manage,
            "invite": (invite or InviteForm()) if manage else None,
            "join_requests": invitations.join_requests(org) if manage else [],
            "documents": (
                org.registration_documents.all()
                if authz.can(user, "accounts.organisation.view", org)
                else []
            ),
            "document_form": DocumentForm() if manage and org.status != "verified" else None,
            "can_verify": authz.can(user, "accounts.organisation.verify", org),
        },
        # A refused invitation comes back with the address typed and its error, as forms do.
        status=422 if invite is not None and invite.errors else 200,
    )


@login_required
def organisation_detail(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_object_or_404(Organisation, pk=org_id)
    authz.require(request.user, "accounts.organisation.view", org)
    return detail_page(request, org)


@login_required
def organisation_edit(request: HttpRequest, org_id: int) -> HttpResponse:
    user = signed_in(request)
    org = get_object_or_404(Organisation, pk=org_id)
    authz.require(user, "accounts.organisation.edit", org)
    # The form validates a copy, so the action still sees the stored values as "before".
    form = OrganisationForm(request.POST or None, instance=Organisation.objects.get(pk=org.pk))
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_organisation(acting_user=user, organisation=org, **form.cleaned_data)
        except AiscError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The organisation was saved."))
            return redirect("accounts:organisation", org_id=org.pk)
    context = {"org": org, "form": form}
    status = 422 if form.errors else 200
    return render(request, "accounts/organisation_edit.html", context, status=status)


@login_required
@require_POST
def invite_member(request: HttpRequest, org_id: int) -> HttpResponse:
    user = signed_in(request)
    org = get_object_or_404(Organisation, pk=org_id)
    authz.require(user, "accounts.member.manage", org)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitations.do_invite_member(
                acting_user=user,
                organisation=org,
                base_url=request.build_absolute_uri("/"),
                **form.cleaned_data,
            )
        except AiscError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The invitation is on its way."))
            return redirect("accounts:organisation", org_id=org.pk)
    return detail_page(request, org, invite=form)


def membership_of(org_id: int, membership_id: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user", "organisation"),
        pk=membership_id,
        organisation_id=org_id,
    )


@login_required
@require_POST
def change_member_role(request: HttpRequest, org_id: int, membership_id: int) -> HttpResponse:
    user = signed_in(request)
    membership = membership_of(org_id, membership_id)
    authz.require(user, "accounts.member.manage", membership.organisation)
    form = MemberRoleForm(request.POST)
    try:
        if not form.is_valid():
            raise AiscError(_("Choose a role."), field="role")
        actions.do_change_member_role(
            acting_user=user, membership=membership, role=form.cleaned_data["role"]
        )
    except AiscError as exc:
        messages.error(request, explain(exc))
    else:
        messages.success(request, _("The role was changed."))
    return redirect("accounts:organisation", org_id=org_id)


@login_required
@require_POST
def remove_member(request: HttpRequest, org_id: int, membership_id: int) -> HttpResponse:
    user = signed_in(request)
    membership = membership_of(org_id, membership_id)
    authz.require(user, "accounts.member.manage", membership.organisation)
    try:
        actions.do_remove_member(acting_user=user, membership=membership)
    except AiscError as exc:
        messages.error(request, explain(exc))
    else:
        messages.success(request, _("The member was removed."))
    return redirect("accounts:organisation", org_id=org_id)
