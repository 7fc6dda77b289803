"""An application's documents (download for everyone who may see the application; replace and
delete while it is editable) and the applicant's withdrawal, confirmed first."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aisc.core.grants.workflow import APPLICATION_TRANSITIONS, ApplicationStatus, can_move
from aisc.web.accounts import authz, files
from aisc.web.grants import actions, queries
from aisc.web.grants.forms import ReplaceForm
from aisc.web.grants.models import Application, Document
from aisc.web.grants.views.page import attempt, user_of


def _document(request: HttpRequest, application_id: int, document_id: int) -> Document:
    """The document, found only through an application the user may see (else 404)."""
    application = queries.visible_application(user_of(request), application_id)
    return get_object_or_404(
        Document.objects.select_related("application"), pk=document_id, application=application
    )


@login_required
def download(request: HttpRequest, application_id: int, document_id: int) -> FileResponse:
    user = user_of(request)
    document = _document(request, application_id, document_id)
    actions.do_download_document(acting_user=user, document=document)
    return files.attachment(document.key, document.name, document.content_type)


@login_required
@require_POST
def replace(request: HttpRequest, application_id: int, document_id: int) -> HttpResponse:
    user = user_of(request)
    document = _document(request, application_id, document_id)
    authz.require(user, "grants.application.edit", document.application)
    form = ReplaceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the file that replaces the document."))
        return redirect("grants:edit", application_id)
    given = form.cleaned_data["file"]
    attempt(
        request,
        lambda: actions.do_replace_document(
            acting_user=user, document=document, name=given.name, stream=given, size=given.size
        ),
        _("Document replaced."),
    )
    return redirect("grants:edit", application_id)


@login_required
@require_POST
def delete(request: HttpRequest, application_id: int, document_id: int) -> HttpResponse:
    user = user_of(request)
    document = _document(request, application_id, document_id)
    authz.require(user, "grants.application.edit", document.application)
    attempt(
        request,
        lambda: actions.do_delete_document(acting_user=user, document=document),
        _("Document deleted."),
    )
    return redirect("grants:edit", application_id)


def can_withdraw(application: Application) -> bool:
    return can_move(APPLICATION_TRANSITIONS, application.state, ApplicationStatus.WITHDRAWN)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, application_id: int) -> HttpResponse:
    """GET states what withdrawing does; the POST of that page withdraws."""
    user = user_of(request)
    application = queries.visible_application(user, application_id)
    authz.require(user, "grants.application.edit", application)
    if request.method == "GET":
        context = {"application": application, "has_award": hasattr(application, "award")}
        return render(request, "grants/confirm_withdraw.html", context)
    attempt(
        request,
        lambda: actions.do_withdraw_application(acting_user=user, application=application),
        _("Application withdrawn."),
    )
    return redirect("grants:application", application.pk)
