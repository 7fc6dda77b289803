"""Single sign-on (OpenID Connect) settings: one provider, the centre's own or a university
federation's, and which e-mail domains belong to which organisation.

Unset AISC_OIDC_CLIENT_ID turns single sign-on off; once it is set, the provider's endpoints and
the client secret are required. Each mistake is one line naming the variable and the rule.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from aisc.config_urls import ConfigError

ENDPOINTS = ("AUTHORIZATION", "TOKEN", "USERINFO", "JWKS")
SETTINGS = (
    *(f"AISC_OIDC_{endpoint}_URL" for endpoint in ENDPOINTS),
    "AISC_OIDC_CLIENT_SECRET",
    "AISC_OIDC_CLIENT_SECRET_FILE",
    "AISC_OIDC_PROVIDER_NAME",
    "AISC_OIDC_DOMAINS",
)
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


@dataclass(frozen=True)
class OidcConfig:
    client_id: str = ""  # empty: single sign-on is off
    client_secret: str = ""
    provider_name: str = ""  # the login page's "Sign in with <name>"
    authorization_url: str = ""
    token_url: str = ""
    userinfo_url: str = ""
    jwks_url: str = ""
    # (e-mail domain, organisation registration code): who signs in from the domain is invited
    # to the organisation, and becomes a member by accepting (docs/security.md).
    domains: tuple[tuple[str, str], ...] = ()

    @property
    def enabled(self) -> bool:
        return bool(self.client_id)


def parse_endpoint(name: str, raw: str) -> str:
    """An https:// URL; plain http:// only on this host (a provider run beside aisc in tests)."""
    value = raw.strip()
    parts = urlsplit(value)
    host = parts.hostname or ""
    if not host or not (parts.scheme == "https" or (parts.scheme == "http" and host in LOOPBACK)):
        raise ConfigError(
            f"{name}: must be an https:// URL (http:// only on 127.0.0.1 or localhost) "
            f"(got {raw!r})"
        )
    return value


def parse_domains(name: str, raw: str) -> tuple[tuple[str, str], ...]:
    """`domain=CODE,domain=CODE`: an e-mail domain and an organisation's registration code."""
    pairs: list[tuple[str, str]] = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        domain, _, code = (side.strip() for side in item.partition("="))
        if not DOMAIN.match(domain.lower()) or not code:
            raise ConfigError(
                f"{name}: each entry must be DOMAIN=ORGANISATION_CODE, e.g. "
                f"harbour.edu.hk=HKU-1 (got {item!r})"
            )
        pairs.append((domain.lower(), code))
    return tuple(pairs)


def read_client_secret(env: Mapping[str, str]) -> str:
    name = "AISC_OIDC_CLIENT_SECRET"
    if env.get(name):
        return env[name]
    if env.get(f"{name}_FILE"):
        path = Path(env[f"{name}_FILE"])
        try:
            return path.read_text().strip()
        except OSError as exc:
            raise ConfigError(
                f"{name}_FILE: must name a readable file ({path}: {exc.strerror})"
            ) from exc
    raise ConfigError(f"{name}: is required when AISC_OIDC_CLIENT_ID is set (or {name}_FILE)")


def parse_oidc(env: Mapping[str, str]) -> OidcConfig:
    client_id = env.get("AISC_OIDC_CLIENT_ID", "").strip()
    if not client_id:
        stray = [name for name in SETTINGS if env.get(name, "").strip()]
        if stray:
            raise ConfigError(f"AISC_OIDC_CLIENT_ID: is required when {stray[0]} is set")
        return OidcConfig()
    urls = {}
    for endpoint in ENDPOINTS:
        name = f"AISC_OIDC_{endpoint}_URL"
        if not env.get(name, "").strip():
            raise ConfigError(f"{name}: is required when AISC_OIDC_CLIENT_ID is set")
        urls[endpoint.lower()] = parse_endpoint(name, env[name])
    return OidcConfig(
        client_id=client_id,
        client_secret=read_client_secret(env),
        provider_name=env.get("AISC_OIDC_PROVIDER_NAME", "").strip() or "single sign-on",
        authorization_url=urls["authorization"],
        token_url=urls["token"],
        userinfo_url=urls["userinfo"],
        jwks_url=urls["jwks"],
        domains=parse_domains("AISC_OIDC_DOMAINS", env.get("AISC_OIDC_DOMAINS", "")),
    )
