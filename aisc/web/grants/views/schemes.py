"""The secretariat's scheme pages: the list, a new scheme, editing one (the fund, its rates, who
may apply). Each change goes through do_create_scheme / do_update_scheme and is audited."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from aisc.web.accounts import authz
from aisc.web.grants import actions
from aisc.web.grants.actions.calls import other_budgets
from aisc.web.grants.actions.schemes import EDITABLE
from aisc.web.grants.models import RelatedGroup, Scheme
from aisc.web.grants.scheme_forms import RelatedGroupForm, SchemeForm
from aisc.web.grants.views.page import attempt, user_of


@login_required
def schemes(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    authz.require(user, "grants.scheme.view")
    rows = [(s, other_budgets(s)) for s in Scheme.objects.order_by("code")]
    context = {"rows": rows, "can_manage": authz.can(user, "grants.scheme.manage")}
    return render(request, "grants/schemes.html", context)


def _form_page(request: HttpRequest, form: SchemeForm, scheme: Scheme | None) -> HttpResponse:
    status = 422 if form.errors else 200
    return render(
        request, "grants/scheme_form.html", {"form": form, "scheme": scheme}, status=status
    )


@login_required
def new_scheme(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    authz.require(user, "grants.scheme.manage")
    form = SchemeForm(request.POST or None, initial={"eligible_kinds": Scheme().eligible_kinds})
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            lambda: actions.do_create_scheme(acting_user=user, **form.cleaned_data),
            _("Scheme created."),
            form,
        )
        if done is not None:
            return redirect("grants:schemes")
    return _form_page(request, form, None)


@login_required
def edit_scheme(request: HttpRequest, scheme_id: int) -> HttpResponse:
    user = user_of(request)
    scheme = get_object_or_404(Scheme, pk=scheme_id)
    authz.require(user, "grants.scheme.manage", scheme)
    initial = {name: getattr(scheme, name) for name in (*EDITABLE, "code")}
    form = SchemeForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k in EDITABLE}
        done = attempt(
            request,
            lambda: actions.do_update_scheme(acting_user=user, scheme=scheme, **changes),
            _("Scheme saved."),
            form,
        )
        if done is not None:
            return redirect("grants:schemes")
    return _form_page(request, form, scheme)


@login_required
def related_groups(request: HttpRequest) -> HttpResponse:
    """The groups the scheme's group caps count as one; the secretariat sets who is in each."""
    user = user_of(request)
    authz.require(user, "grants.related_group.manage")
    form = RelatedGroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            lambda: actions.do_save_related_group(
                acting_user=user,
                name=form.cleaned_data["name"],
                organisations=list(form.cleaned_data["organisations"]),
            ),
            _("Group saved."),
            form,
        )
        if done is not None:
            return redirect("grants:related_groups")
    groups = RelatedGroup.objects.prefetch_related("organisations").order_by("name")
    status = 422 if request.method == "POST" else 200
    return render(
        request, "grants/related_groups.html", {"form": form, "groups": groups}, status=status
    )
