"""API tokens: random secrets shown once; only a SHA-256 digest is stored."""

from __future__ import annotations

import hashlib
import secrets

PREFIX = "aisc_"


def new_secret() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def display_prefix(secret: str) -> str:
    return secret[: len(PREFIX) + 6]
