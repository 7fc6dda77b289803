"""Portal pages of accounts: API tokens (create, shown once; list with last use; revoke), and
the profile (name, language and digest choice, declared relationships of reviewers)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aisc.core.errors import AiscError
from aisc.web.accounts import actions, authz, invitations
from aisc.web.accounts.forms import ProfileForm, TokenForm, add_domain_error
from aisc.web.accounts.links import RefusalIs422
from aisc.web.accounts.models import ApiToken, Invitation, Role, User, time_zones
from aisc.web.accounts.throttling import TokenCreationThrottle, throttle_view
from aisc.web.i18n import explain


class LoginView(RefusalIs422, auth_views.LoginView):
    """Django's log-in, and a "Sign in with <provider>" link when single sign-on is set up."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        oidc = settings.AISC_OIDC
        context["sso_name"] = oidc.provider_name if oidc.enabled else ""
        return context


@login_required
@throttle_view(TokenCreationThrottle)
def tokens(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    authz.require(user, "accounts.token.manage")
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = actions.do_create_api_token(
                acting_user=user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except AiscError as exc:
            add_domain_error(form, exc)
        else:
            secret = issued.secret
            form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "secret": secret, "tokens": user.api_tokens.all()},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    token = get_object_or_404(ApiToken, pk=token_id, user=user)
    authz.require(user, "accounts.token.manage", token)
    if token.revoked_at is None:
        actions.do_revoke_api_token(acting_user=user, token=token)
    return redirect("accounts:tokens")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    authz.require(user, "accounts.profile.edit", user)
    reviewer = user.has_role(Role.REVIEWER, Role.COMMITTEE)
    initial = {name: getattr(user, name) for name in actions.PROFILE_FIELDS}
    analytics = authz.can(user, actions.ANALYTICS_VIEW)
    form = ProfileForm(
        request.POST or None, initial=initial, reviewer=reviewer, analytics=analytics
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_profile(acting_user=user, **form.cleaned_data)
        except AiscError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your profile was saved."))
            return redirect("accounts:profile")
    context = {"form": form, "time_zones": time_zones()}
    return render(request, "accounts/profile.html", context, status=422 if form.errors else 200)


@login_required
def my_invitations(request: HttpRequest) -> HttpResponse:
    """Organisations that invited the signed-in person; accepting makes them a member."""
    user = authz.acting_user(request)
    if request.method == "POST":
        chosen = request.POST.get("invitation", "")
        invitation = get_object_or_404(
            Invitation, pk=int(chosen) if chosen.isdigit() else 0, user=user
        )
        accept = request.POST.get("answer") == "accept"
        try:
            invitations.do_answer_invitation(acting_user=user, invitation=invitation, accept=accept)
        except AiscError as exc:
            messages.error(request, explain(exc))
        else:
            messages.success(
                request, _("You joined the organisation.") if accept else _("Declined.")
            )
        return redirect("accounts:invitations")
    pending = invitations.open_invitations(user)
    return render(request, "accounts/invitations.html", {"invitations": pending})
