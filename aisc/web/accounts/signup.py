"""Self-service sign-up: a person registers with their address and a password, and confirms the
address through a signed link that expires (mailed through the outbox, never from the request).

The page answers every address the same way, so it tells nobody which addresses have accounts:
an address already registered gets a mail instead (a fresh link if it was never confirmed, else
a pointer to log-in and password reset), and its password is left as it was.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aisc.core.errors import RuleViolation
from aisc.web import notify
from aisc.web.accounts import verbs
from aisc.web.accounts.actions import check_new_credentials
from aisc.web.accounts.links import link_id, user_of_link_id
from aisc.web.accounts.models import User
from aisc.web.audit.record import record

SALT = "aisc.accounts.signup"
LINK_DAYS = 3


def verification_link(user: User, base_url: str) -> str:
    token = signing.dumps({"u": link_id(user), "e": user.email}, salt=SALT)
    return base_url.rstrip("/") + reverse("accounts:verify_email", args=[token])


def _send_link(user: User, base_url: str) -> None:
    notify.send(
        user,
        _("Confirm your e-mail address for AISC"),
        "accounts/mail/verify_email.txt",
        {"link": verification_link(user, base_url), "days": LINK_DAYS},
    )


@transaction.atomic
def do_sign_up(
    *, email: str, password: str, full_name: str, language: str, base_url: str
) -> User | None:
    """The new, unconfirmed account (None when the address had one: that person gets a mail)."""
    email = email.strip().lower()
    check_new_credentials(email, password)
    if language not in dict(settings.LANGUAGES):
        raise RuleViolation("is not a language of the portal", field="language")
    existing = User.objects.filter(email=email).first()
    if existing is not None:
        if not existing.email_verified:
            _send_link(existing, base_url)
        else:
            base = base_url.rstrip("/")
            notify.send(
                existing,
                _("Your address is already registered on AISC"),
                "accounts/mail/already_registered.txt",
                {
                    "login": base + reverse("accounts:login"),
                    "reset": base + reverse("accounts:password_reset"),
                },
            )
        return None
    user = User.objects.create_user(
        email=email,
        password=password,
        full_name=full_name.strip(),
        language=language,
        email_verified=False,
    )
    record(None, verbs.USER_SIGN_UP, user, after={"email": email, "language": language})
    _send_link(user, base_url)
    return user


def user_of_link(token: str) -> User:
    """The account a verification link names, or a RuleViolation saying why the link is dead."""
    try:
        data = signing.loads(token, salt=SALT, max_age=LINK_DAYS * 24 * 3600)
    except signing.SignatureExpired as exc:
        raise RuleViolation(
            "this link has expired; sign up again with the same address to get a new one",
            field="token",
        ) from exc
    except signing.BadSignature as exc:
        raise RuleViolation("this link is not valid", field="token") from exc
    user = user_of_link_id(data.get("u"))
    if user is None or user.email != data.get("e") or not user.is_active:
        raise RuleViolation("this link is not valid", field="token")
    return user


@transaction.atomic
def do_verify_email(*, token: str) -> User:
    """Confirm the address; following the link again changes nothing."""
    user = user_of_link(token)
    if user.email_verified:
        return user
    user.email_verified = True
    user.save(update_fields=["email_verified"])
    record(user, verbs.USER_VERIFY_EMAIL, user, after={"email": user.email})
    return user
