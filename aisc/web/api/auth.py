"""API authentication: bearer tokens for scripts, the session (with CSRF) for the portal."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from aisc.web.accounts.actions import authenticate_token


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = authenticate_token(token)
        if user is not None:
            request.user = user
        return user


class PortalSessionAuth(SessionAuth):
    """Session auth; ninja enforces CSRF for it on unsafe methods."""


AUTH = [TokenAuth(), PortalSessionAuth()]
