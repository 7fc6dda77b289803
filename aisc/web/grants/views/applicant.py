"""Applicants: see calls, start a draft, edit it (saved as you go, with the live estimate),
upload documents, submit; grantees send progress and final reports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aisc.core.errors import AiscError
from aisc.web.accounts import authz
from aisc.web.accounts.models import Organisation, User
from aisc.web.grants import actions, queries
from aisc.web.grants.actions.applications import missing
from aisc.web.grants.actions.obligations import obligation_of
from aisc.web.grants.choices import APPLICATION_STATUS, DocumentKind
from aisc.web.grants.forms import ApplicationForm, ReportForm, UploadForm
from aisc.web.grants.models import Application, Call
from aisc.web.grants.views.outcomes import outcome_context
from aisc.web.grants.views.page import estimate_context, label_of, refuse, user_of
from aisc.web.lists import Choice, ListSpec, Search

APPLICATIONS = ListSpec(
    sorts={
        "title": "title",
        "organisation": "organisation__name_en",
        "call": "call__code",
        "status": "status",
        "created": "created_at",
    },
    default="-created",
    filters=(
        Search("q", gettext_lazy("Project or organisation"), ("title", "organisation__name_en")),
        Choice("status", gettext_lazy("Status"), "status", APPLICATION_STATUS),
    ),
)
APPLICATION_COLUMNS = [
    ("title", gettext_lazy("Project")),
    ("organisation", gettext_lazy("Organisation")),
    ("call", gettext_lazy("Call")),
    ("status", gettext_lazy("Status")),
]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    authz.require(user, "grants.call.view")
    calls = Call.objects.exclude(status="draft").select_related("scheme")
    applications = APPLICATIONS.apply(
        request, queries.visible_applications(user).select_related("organisation", "call")
    )
    memberships = user.memberships.select_related("organisation").order_by("organisation__name_en")
    orgs = [m.organisation for m in memberships]
    context = {
        "calls": calls,
        "listed": applications,
        "columns": applications.headers(APPLICATION_COLUMNS),
        "orgs": orgs,
        "can_rank": authz.can(user, "grants.ranking.view"),
        "can_open_call": authz.can(user, "grants.call.manage"),
    }
    return render(request, "grants/home.html", context)


def chosen_organisation(request: HttpRequest, user: User) -> Organisation | None:
    """The organisation the applicant picked (a member of several chooses on the form), else
    their only one; the create rule then checks membership of exactly that one."""
    chosen = request.POST.get("organisation", "")
    if chosen:
        if not chosen.isdigit():
            raise Http404("no such organisation")
        return get_object_or_404(Organisation, pk=int(chosen))
    membership = user.memberships.select_related("organisation").order_by("organisation__name_en")
    first = membership.first()
    return first.organisation if first else None


@login_required
@require_POST
def start(request: HttpRequest, call_id: int) -> HttpResponse:
    user = user_of(request)
    call = get_object_or_404(Call, pk=call_id)
    organisation = chosen_organisation(request, user)
    authz.require(user, "grants.application.create", organisation)
    if organisation is None:  # an admin who belongs to no organisation
        messages.error(request, _("Only a member of an organisation can apply."))
        return redirect("grants:home")
    title = request.POST.get("title", "").strip() or _("Untitled project")
    try:
        application = actions.do_create_application(
            acting_user=user, call=call, organisation=organisation, title=title
        )
    except AiscError as exc:
        refuse(request, exc)
        return redirect("grants:home")
    return redirect("grants:edit", application.pk)


def missing_labels(form: ApplicationForm, names: list[str]) -> list[str]:
    """What still blocks submission as the applicant reads it: each field by its label on the
    form, each document by its kind's name, in the page's language (the codes are the API's)."""
    kinds = dict(DocumentKind.choices)
    return [str(kinds.get(name) or label_of(form, name)) for name in names]


@login_required
def edit(request: HttpRequest, application_id: int) -> HttpResponse:
    """GET shows the form; POST saves what is filled in. With partial=1 (the page's script, on
    every change) it answers only the estimate and the list of what is still missing."""
    user = user_of(request)
    application = queries.visible_application(user, application_id)
    authz.require(user, "grants.application.edit", application)
    form = ApplicationForm(
        request.POST or None, instance=Application.objects.get(pk=application.pk)
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            actions.do_update_application(acting_user=user, application=application, **fields)
            if not request.POST.get("partial"):
                messages.success(request, _("Draft saved."))
        except AiscError as exc:
            refuse(request, exc, form)
    context = {
        "application": application,
        "form": form,
        "upload_form": UploadForm(),
        "missing": missing_labels(form, missing(application)),
        **estimate_context(queries.estimate_for(application)),
    }
    template = "grants/_live.html" if request.POST.get("partial") else "grants/edit.html"
    return render(request, template, context, status=422 if form.errors else 200)


@login_required
@require_POST
def upload(request: HttpRequest, application_id: int) -> HttpResponse:
    user = user_of(request)
    application = queries.visible_application(user, application_id)
    authz.require(user, "grants.application.edit", application)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        given = form.cleaned_data["file"]
        try:
            actions.do_upload_document(
                acting_user=user,
                application=application,
                kind=form.cleaned_data["kind"],
                name=given.name,
                stream=given,
                size=given.size,
            )
            messages.success(request, _("Document uploaded."))
        except AiscError as exc:
            refuse(request, exc)
    else:
        messages.error(request, _("Choose a kind and a file to upload."))
    return redirect("grants:edit", application.pk)


@login_required
@require_POST
def submit(request: HttpRequest, application_id: int) -> HttpResponse:
    user = user_of(request)
    application = queries.visible_application(user, application_id)
    authz.require(user, "grants.application.edit", application)
    try:
        actions.do_submit_application(acting_user=user, application=application)
    except AiscError as exc:
        refuse(request, exc)
        return redirect("grants:edit", application.pk)
    messages.success(request, _("Application submitted."))
    return redirect("grants:application", application.pk)


@login_required
def award(request: HttpRequest, award_id: int) -> HttpResponse:
    user = user_of(request)
    found = queries.one_visible(queries.visible_awards(user), award_id)
    form = ReportForm(request.POST or None)
    refused = request.method == "POST"  # until the report is stored
    if request.method == "POST":
        authz.require(user, "grants.report.submit", found)
        if form.is_valid():
            try:
                actions.do_submit_report(acting_user=user, award=found, **form.cleaned_data)
                messages.success(request, _("Report submitted."))
                return redirect("grants:award", found.pk)
            except AiscError as exc:
                refuse(request, exc, form)
    context = {
        "award": found,
        "form": form,
        "reports": queries.visible_reports(user).filter(award=found).order_by("-submitted_at"),
        "can_decide": authz.can(user, "grants.report.decide", found),
        "can_report": authz.can(user, "grants.report.submit", found),
        "can_waive": authz.can(user, "grants.award.waive", found),
        "can_cancel": authz.can(user, "grants.award.cancel", found),
        "final_report": obligation_of(found),
        **outcome_context(user, found),
    }
    return render(request, "grants/award.html", context, status=422 if refused else 200)
