"""The account in links that are opened without a login: the password-reset (and set-password)
link and the address-verification link. They name the account by its random `public_id`, never
its database id, which would tell whoever holds one link roughly how many accounts there are.

Links mailed before `public_id` existed carried the database id (Django's base64 of it, or `u`
in the signed verification token); they stay valid until they expire (PASSWORD_RESET_TIMEOUT,
signup.LINK_DAYS), after which nothing produces or needs that form.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpResponse
from django.utils import translation
from django.utils.http import urlsafe_base64_decode

from aisc.web.accounts.models import User


def link_id(user: User) -> str:
    return user.public_id.hex


def user_of_link_id(value: object) -> User | None:
    """The account a link names: its public id (32 hex digits), or, from a link mailed before
    public ids, its database id."""
    if isinstance(value, str):
        try:
            return User.objects.filter(public_id=uuid.UUID(hex=value)).first()
        except ValueError:
            pass
    if isinstance(value, int) and not isinstance(value, bool):
        return User.objects.filter(pk=value).first()
    return None


class ResetForm(PasswordResetForm):
    """Django's reset form; the mailed link names the account by its public id."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        context = {**context, "uid": link_id(context["user"])}
        # In the account's language, not that of whoever asked (anyone may, by address).
        with translation.override(context["user"].language):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )


class RefusalIs422:
    """Django's form views answer a refused form with 200; the portal's answer it with 422 (the
    form again, what was typed kept, each error beside its field), as every other form does."""

    def form_invalid(self, form: Any) -> HttpResponse:
        response: HttpResponse = super().form_invalid(form)  # type: ignore[misc]
        response.status_code = 422
        return response


class ResetView(RefusalIs422, auth_views.PasswordResetView):
    pass


class ResetConfirmView(RefusalIs422, auth_views.PasswordResetConfirmView):
    def get_user(self, uidb64: str) -> Any:
        found = user_of_link_id(uidb64)
        if found is None:
            # A link mailed before public ids: Django's base64 of the database id.
            try:
                legacy = urlsafe_base64_decode(uidb64).decode()
            except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
                return None
            found = user_of_link_id(int(legacy)) if legacy.isascii() and legacy.isdigit() else None
        return found
