"""Starter grants in the portal: the secretariat's programmes (listed, and set on a call through
the action the API calls), the request form (decided on the spot) and each request's status, in
the user's language."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from aisc.core.errors import AiscError
from aisc.web.accounts import authz
from aisc.web.grants import actions, queries
from aisc.web.grants.forms_starter import ProgrammeForm, StarterForm
from aisc.web.grants.models import StarterProgramme
from aisc.web.grants.starter_outcome import open_programmes, outcome, starter_requests
from aisc.web.grants.views.page import attempt, refuse, user_of


@login_required
def starter(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    authz.require(user, "grants.application.create")
    orgs = [m.organisation for m in user.memberships.select_related("organisation")]
    programmes = list(open_programmes())
    form = StarterForm(request.POST or None, programmes=programmes, organisations=orgs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisation = data["organisation"]
        authz.require(user, "grants.application.create", organisation)
        ask = actions.StarterRequest(
            organisation=organisation, chip=data["chip"], title=data["title"],
            summary=data["summary"], lay_summary=data["lay_summary"],
            lay_summary_zh=data["lay_summary_zh"], title_zh=data["title_zh"],
        )  # fmt: skip
        try:
            application = actions.do_apply_starter(
                acting_user=user, programme=data["programme"], ask=ask
            )
        except AiscError as exc:
            refuse(request, exc, form)
        else:
            return redirect("grants:starter_status", application.pk)
    context = {
        "form": form,
        "programmes": programmes,
        "mine": [outcome(a) for a in starter_requests(user)[:20]],
    }
    return render(request, "grants/starter.html", context, status=422 if form.errors else 200)


@login_required
def starter_status(request: HttpRequest, application_id: int) -> HttpResponse:
    user = user_of(request)
    application = queries.visible_application(user, application_id)
    programme = StarterProgramme.objects.filter(call=application.call).first()
    if programme is None:
        raise Http404("not a starter grant request")
    return render(
        request,
        "grants/starter_status.html",
        {"outcome": outcome(application), "programme": programme},
    )


@login_required
def programmes(request: HttpRequest) -> HttpResponse:
    """Every programme, open or not, and the form that sets a new one; a refused form comes back
    with what was typed and the rule beside its field."""
    user = user_of(request)
    authz.require(user, "grants.call.manage")
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        call, terms = form.cleaned_data["call"], form.terms()
        done = attempt(
            request,
            lambda: actions.do_create_starter_programme(acting_user=user, call=call, terms=terms),
            _("Starter-grant programme set."),
            form,
        )
        if done is not None:
            return redirect("grants:starter_programmes")
    listed = StarterProgramme.objects.select_related("call__scheme").order_by("-created_at")
    return render(
        request,
        "grants/starter_programmes.html",
        {"form": form, "programmes": listed},
        status=422 if form.errors else 200,
    )
