"""Sign-in through the OpenID Connect provider (mozilla-django-oidc does the protocol: PKCE,
state, nonce, the ID token's RS256 signature against the provider's keys).

aisc's rules on top: the provider must say the e-mail address is verified (`email_verified`),
the account is the one with that address (created on first sign-in, without a password), and
an address in a configured domain brings an invitation to that domain's organisation, which
the person accepts or declines as any invitation (a membership only by consent). Each sign-in
and each account it creates is audited.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from aisc.config import OidcConfig
from aisc.web.accounts import verbs
from aisc.web.accounts.actions import do_create_user
from aisc.web.accounts.models import Invitation, Membership, MembershipRole, Organisation, User
from aisc.web.audit.record import record

log = logging.getLogger(__name__)


def configured() -> OidcConfig:
    oidc: OidcConfig = settings.AISC_OIDC
    if not oidc.enabled:
        raise Http404("single sign-on is not configured")
    return oidc


class SignInView(OIDCAuthenticationRequestView):  # type: ignore[misc]
    def get(self, request: HttpRequest) -> HttpResponse:
        configured()
        response: HttpResponse = super().get(request)
        return response


class CallbackView(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    def get(self, request: HttpRequest) -> HttpResponse:
        configured()
        response: HttpResponse = super().get(request)
        return response


def organisation_for(email: str, oidc: OidcConfig) -> Organisation | None:
    domain = email.rpartition("@")[2].lower()
    code = dict(oidc.domains).get(domain)
    if code is None:
        return None
    found = Organisation.objects.filter(registration_code=code).first()
    if found is None:
        log.warning("AISC_OIDC_DOMAINS maps %s to %s, which is no organisation", domain, code)
    return found


def invite_by_domain(user: User, organisation: Organisation | None) -> Invitation | None:
    """An invitation from the domain's organisation, unless the person is a member already or
    has been invited before (an answer, yes or no, is not asked again)."""
    if organisation is None:
        return None
    if Membership.objects.filter(user=user, organisation=organisation).exists():
        return None
    if Invitation.objects.filter(user=user, organisation=organisation).exists():
        return None
    invitation = Invitation.objects.create(
        organisation=organisation, user=user, email=user.email, role=MembershipRole.MEMBER
    )
    record(
        None,
        verbs.MEMBERSHIP_INVITE,
        invitation,
        after={
            "email": invitation.email,
            "organisation": organisation.pk,
            "role": invitation.role,
            "accepted": None,
            "by": "single sign-on e-mail domain",
        },
    )
    return invitation


@transaction.atomic
def do_sign_in_by_sso(*, email: str, full_name: str, oidc: OidcConfig) -> User:
    """The account of a verified address: found, or created without a password (local sign-in
    needs a password reset first); audited as a single sign-on sign-in."""
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    created = user is None
    if user is None:
        user = do_create_user(acting_user=None, email=email, password=None, full_name=full_name)
    else:
        # The provider vouches for the address, as the sign-up's mailed link would have.
        user.email_verified = True
        user.full_name = user.full_name or full_name
        user.save(update_fields=["email_verified", "full_name"])
    invitation = invite_by_domain(user, organisation_for(email, oidc))
    record(
        user,
        verbs.USER_SSO_LOGIN,
        user,
        after={
            "provider": oidc.provider_name,
            "created": created,
            "invited_to": invitation.organisation_id if invitation else None,
        },
    )
    return user


class SsoBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """mozilla-django-oidc's backend with aisc's account rules."""

    request: HttpRequest

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        if not claims.get("email"):
            messages.error(self.request, _("The identity provider did not give an e-mail address."))
            return False
        if claims.get("email_verified") is not True:
            messages.error(
                self.request,
                _(
                    "Your identity provider has not verified the e-mail address %(email)s, so it "
                    "cannot sign you in here. Verify it with the provider, or log in with a "
                    "password."
                )
                % {"email": claims["email"]},
            )
            return False
        return True

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        return User.objects.filter(email=str(claims["email"]).strip().lower())

    def get_or_create_user(self, access_token: str, id_token: str, payload: Any) -> User | None:
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            return None
        user = do_sign_in_by_sso(
            email=str(claims["email"]),
            full_name=str(claims.get("name") or "")[:200],
            oidc=settings.AISC_OIDC,
        )
        if not user.is_active:
            messages.error(self.request, _("This account is disabled."))
            return None
        return user
