"""The second-factor page (set up an authenticator, or enter a code after the password), new
recovery codes, and an admin's reset of someone's second factor."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from aisc.core.errors import AiscError
from aisc.web.accounts import authz, second_factor
from aisc.web.accounts.forms import SecondFactorForm, add_domain_error
from aisc.web.accounts.models import User
from aisc.web.accounts.staff_views import ACTION as STAFF_ACTION

TEMPLATE = "accounts/two_factor.html"


def next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
        return wanted
    return "/dashboard/"


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    user = authz.acting_user(request)
    verified = bool(user.is_verified())  # type: ignore[attr-defined]  # set by OTPMiddleware
    context: dict[str, object] = {"next": next_url(request)}
    if verified:
        return status(request, user, context)
    if second_factor.enrolled(user):
        return verify(request, user, context)
    return enrol(request, user, context)


def verify(request: HttpRequest, user: User, context: dict[str, object]) -> HttpResponse:
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = second_factor.do_verify_second_factor(
            acting_user=user, token=form.cleaned_data["token"]
        )
        if device is not None:
            otp_login(request, device)
            return redirect(next_url(request))
        form.add_error("token", _("That code was not accepted. Wait a moment, then try again."))
    status = 422 if form.errors else 200
    return render(request, TEMPLATE, {**context, "mode": "verify", "form": form}, status=status)


def enrol(request: HttpRequest, user: User, context: dict[str, object]) -> HttpResponse:
    device = second_factor.pending_authenticator(user)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = second_factor.do_enrol_authenticator(
                acting_user=user, token=form.cleaned_data["token"]
            )
        except AiscError as exc:
            add_domain_error(form, exc)
        else:
            otp_login(request, done.device)
            return render(
                request, TEMPLATE, {**context, "mode": "codes", "codes": done.recovery_codes}
            )
    return render(
        request,
        TEMPLATE,
        {
            **context,
            "mode": "enrol",
            "form": form,
            "qr": second_factor.qr_svg(device),
            "secret": second_factor.secret_text(device),
        },
        status=422 if form.errors else 200,
    )


def status(request: HttpRequest, user: User, context: dict[str, object]) -> HttpResponse:
    if request.method == "POST" and request.POST.get("regenerate"):
        codes = second_factor.do_regenerate_recovery_codes(acting_user=user)
        return render(request, TEMPLATE, {**context, "mode": "codes", "codes": codes})
    left = second_factor.recovery_codes_left(user)
    return render(request, TEMPLATE, {**context, "mode": "status", "codes_left": left})


@login_required
@require_POST
def reset(request: HttpRequest, user_id: int) -> HttpResponse:
    acting = authz.acting_user(request)
    authz.require(acting, STAFF_ACTION)
    person = get_object_or_404(User, pk=user_id)
    second_factor.do_reset_second_factor(acting_user=acting, user=person)
    messages.success(
        request, _("The second factor was removed; the next sign-in sets up a new one.")
    )
    return redirect("accounts:staff_edit", user_id=person.pk)
