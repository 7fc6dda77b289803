"""Portal pages of accounts: API tokens (create, shown once; list with last use; revoke)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from aisc.core.errors import AiscError
from aisc.web.accounts import actions, authz
from aisc.web.accounts.forms import TokenForm
from aisc.web.accounts.models import ApiToken, User


@login_required
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
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            secret = issued.secret
            form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "secret": secret, "tokens": user.api_tokens.all()},
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
