"""API authentication: bearer tokens for scripts, the session (with CSRF) for the portal."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from aisc.web.accounts.actions import authenticate_token


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = authenticate_token(token)
        if found is None:
            return None
        request.user = found.user
        # Kept for the per-token rate limit and for refusing token creation by a token.
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


class PortalSessionAuth(SessionAuth):
    """Session auth; ninja enforces CSRF for it on unsafe methods."""


AUTH = [TokenAuth(), PortalSessionAuth()]
