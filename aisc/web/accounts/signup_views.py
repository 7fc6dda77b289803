"""Sign-up, the address's confirmation, and registering or joining an organisation; the
secretariat's verification page. Each view parses, authorises, calls one do_* action, renders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aisc.core.errors import AiscError
from aisc.web.accounts import authz, files, invitations, registration, signup
from aisc.web.accounts.forms import (
    DocumentForm,
    JoinForm,
    RefuseForm,
    RegisterOrganisationForm,
    SignUpForm,
    add_domain_error,
)
from aisc.web.accounts.models import Invitation, Organisation, RegistrationDocument
from aisc.web.accounts.throttling import SignUpAddressThrottle, SignUpClientThrottle, throttle_view
from aisc.web.i18n import explain

BACKEND = "django.contrib.auth.backends.ModelBackend"


@require_http_methods(["GET", "POST"])
@throttle_view(SignUpAddressThrottle, SignUpClientThrottle)
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:organisations")
    form = SignUpForm(request.POST or None, initial={"language": get_language()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            signup.do_sign_up(
                email=data["email"],
                password=data["password"],
                full_name=data["full_name"],
                language=data["language"],
                base_url=request.build_absolute_uri("/"),
            )
        except AiscError as exc:
            add_domain_error(form, exc)
        else:
            return render(request, "accounts/signup_sent.html", {"email": data["email"]})
    return render(
        request, "accounts/signup.html", {"form": form}, status=422 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (a mail scanner that opens the link confirms nothing); POST confirms."""
    try:
        if request.method == "GET":
            signup.user_of_link(token)
            return render(request, "accounts/verify_email.html")
        user = signup.do_verify_email(token=token)
    except AiscError as exc:
        return render(request, "accounts/verify_email.html", {"error": explain(exc)}, status=400)
    login(request, user, backend=BACKEND)
    messages.success(
        request,
        _("Your address is confirmed. Now register your organisation, or ask to join it."),
    )
    return redirect("accounts:organisations")


@login_required
@require_http_methods(["GET", "POST"])
def register_organisation(request: HttpRequest) -> HttpResponse:
    user = authz.acting_user(request)
    authz.require(user, "accounts.organisation.register")
    form = RegisterOrganisationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        given = data.pop("document")
        try:
            org = registration.do_register_organisation(
                acting_user=user,
                document_name=given.name,
                document=given,
                document_size=given.size,
                **data,
            )
        except AiscError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "The organisation is registered. The secretariat verifies it before it may "
                    "submit an application; you will get a mail."
                ),
            )
            return redirect("accounts:organisation", org_id=org.pk)
    status = 422 if form.errors else 200
    return render(request, "accounts/register_organisation.html", {"form": form}, status=status)


@login_required
@require_POST
def join(request: HttpRequest) -> HttpResponse:
    user = authz.acting_user(request)
    authz.require(user, "accounts.organisation.register")
    form = JoinForm(request.POST)
    if form.is_valid():
        try:
            invitations.do_request_membership(
                acting_user=user,
                registration_code=form.cleaned_data["registration_code"],
                base_url=request.build_absolute_uri("/"),
            )
        except AiscError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your request was sent to the organisation's admins."))
            return redirect("accounts:organisations")
    memberships = user.memberships.select_related("organisation").order_by("organisation__name_en")
    context = {"memberships": memberships, "join_form": form}
    return render(request, "accounts/organisations.html", context, status=422)


@login_required
@require_POST
def answer_join_request(request: HttpRequest, org_id: int, invitation_id: int) -> HttpResponse:
    user = authz.acting_user(request)
    org = get_object_or_404(Organisation, pk=org_id)
    authz.require(user, "accounts.member.manage", org)
    asked = get_object_or_404(Invitation, pk=invitation_id, organisation=org)
    accept = request.POST.get("answer") == "accept"
    try:
        invitations.do_answer_join_request(acting_user=user, invitation=asked, accept=accept)
    except AiscError as exc:
        messages.error(request, explain(exc))
    else:
        messages.success(request, _("The request was accepted.") if accept else _("Declined."))
    return redirect("accounts:organisation", org_id=org.pk)


@login_required
@require_POST
def add_document(request: HttpRequest, org_id: int) -> HttpResponse:
    user = authz.acting_user(request)
    org = get_object_or_404(Organisation, pk=org_id)
    authz.require(user, "accounts.organisation.edit", org)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to send."))
        return redirect("accounts:organisation", org_id=org.pk)
    given = form.cleaned_data["document"]
    try:
        registration.do_add_registration_document(
            acting_user=user, organisation=org, name=given.name, stream=given, size=given.size
        )
    except AiscError as exc:
        messages.error(request, explain(exc))
    else:
        messages.success(request, _("The document was sent to the secretariat."))
    return redirect("accounts:organisation", org_id=org.pk)


@login_required
def download_document(request: HttpRequest, org_id: int, document_id: int) -> FileResponse:
    user = authz.acting_user(request)
    document = get_object_or_404(
        RegistrationDocument.objects.select_related("organisation"),
        pk=document_id,
        organisation_id=org_id,
    )
    authz.require(user, "accounts.registration_document.view", document)
    registration.do_download_registration_document(acting_user=user, document=document)
    return files.attachment(document.key, document.name, document.content_type)


@login_required
@require_http_methods(["GET", "POST"])
def verify_organisation(request: HttpRequest, org_id: int) -> HttpResponse:
    """The secretariat reads the registration and its documents, then verifies or refuses."""
    user = authz.acting_user(request)
    org = get_object_or_404(Organisation, pk=org_id)
    authz.require(user, "accounts.organisation.verify", org)
    refuse = RefuseForm(request.POST if request.POST.get("answer") == "refuse" else None)
    if request.method == "POST":
        base = request.build_absolute_uri("/")
        try:
            if request.POST.get("answer") == "verify":
                registration.do_verify_organisation(
                    acting_user=user, organisation=org, base_url=base
                )
                messages.success(request, _("The organisation is verified."))
                return redirect("queues:dashboard")
            if refuse.is_valid():
                registration.do_refuse_organisation(
                    acting_user=user,
                    organisation=org,
                    reason=refuse.cleaned_data["reason"],
                    base_url=base,
                )
                messages.success(
                    request, _("The organisation was refused; its admins are told why.")
                )
                return redirect("queues:dashboard")
        except AiscError as exc:
            add_domain_error(refuse, exc)
    context = {
        "org": org,
        "documents": org.registration_documents.all(),
        "admins": org.memberships.filter(role="admin").select_related("user"),
        "refuse": refuse,
    }
    status = 422 if refuse.errors else 200
    return render(request, "accounts/verify_organisation.html", context, status=status)
