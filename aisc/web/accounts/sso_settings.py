"""The Django settings that single sign-on needs, from the typed OidcConfig: mozilla-django-oidc's
OIDC_* names, and aisc's backend only when a provider is configured (its requests are refused
with 404 otherwise). Kept apart from the backend so settings.py imports no models."""

from __future__ import annotations

from typing import Any

from aisc.config import OidcConfig

BACKEND = "aisc.web.accounts.sso.SsoBackend"
BASE_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]


def django_settings(oidc: OidcConfig) -> dict[str, Any]:
    return {
        "AISC_OIDC": oidc,
        "AUTHENTICATION_BACKENDS": [*BASE_BACKENDS, *([BACKEND] if oidc.enabled else [])],
        "OIDC_RP_CLIENT_ID": oidc.client_id,
        "OIDC_RP_CLIENT_SECRET": oidc.client_secret,
        "OIDC_OP_AUTHORIZATION_ENDPOINT": oidc.authorization_url,
        "OIDC_OP_TOKEN_ENDPOINT": oidc.token_url,
        "OIDC_OP_USER_ENDPOINT": oidc.userinfo_url,
        "OIDC_OP_JWKS_ENDPOINT": oidc.jwks_url,
        "OIDC_RP_SIGN_ALGO": "RS256",
        "OIDC_RP_SCOPES": "openid email profile",
        "OIDC_USE_PKCE": True,
        "OIDC_AUTHENTICATE_CLASS": "aisc.web.accounts.sso.SignInView",
        "OIDC_CALLBACK_CLASS": "aisc.web.accounts.sso.CallbackView",
        "LOGIN_REDIRECT_URL_FAILURE": "/accounts/login/",
        "OIDC_TIMEOUT": 10,  # seconds for each call to the provider, never a hung worker
    }
