"""aisc's own deployment checks, run by `aisc check --deploy` beside Django's: each problem is
one message with an id (aisc.E00n) and a hint saying what to change."""

from __future__ import annotations

import stat
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from aisc.adapters.mail.host import unresolvable
from aisc.web.accounts.models import Organisation
from aisc.web.ops import probes

TAG = "aisc"


@register(TAG, deploy=True)
def secret_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Django's security.W009 judges the key's length and variety; this checks who can read
    the file it came from."""
    found: list[CheckMessage] = []
    key = settings.SECRET_KEY
    if len(set(key)) < 10:
        found.append(
            Error(
                "the secret key repeats too few characters to be random",
                hint="set AISC_SECRET_KEY_FILE to a file of 50 random characters "
                "(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')",
                id="aisc.E001",
            )
        )
    path = settings.CONFIG.secret_key_file
    if path is not None and path.exists() and path.stat().st_mode & stat.S_IRWXO:
        found.append(
            Error(
                f"the secret key file {path} can be read by other users",
                hint=f"chmod 640 {path} (owner root, group aisc) or 600",
                id="aisc.E002",
            )
        )
    return found


@register(TAG, deploy=True)
def debug_off(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG:
        return [
            Error(
                "AISC_DEBUG is on: error pages would show settings and code to the public",
                hint="unset AISC_DEBUG",
                id="aisc.E003",
            )
        ]
    return []


@register(TAG, deploy=True)
def database_ready(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    db = probes.database()
    if not db.ok:
        return [Error(db.detail, hint="check AISC_DATABASE_URL", id="aisc.E004")]
    applied = probes.migrations()
    if not applied.ok:
        return [Error(f"migrations: {applied.detail}", id="aisc.E005")]
    return []


@register(TAG, deploy=True)
def mail(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    email = settings.CONFIG.email
    if email.backend != "smtp":
        return [
            Error(
                f"AISC_EMAIL_URL sends mail to {email.backend}://, not to users",
                hint="set AISC_EMAIL_URL=smtp+tls://USER:PASS@HOST:587 (or smtps://, smtp://)",
                id="aisc.E006",
            )
        ]
    why = unresolvable(email.host, email.port)
    if why is not None:
        return [
            Error(
                f"AISC_EMAIL_URL: the mail host {email.host!r} cannot be resolved ({why})",
                hint="check the host name in AISC_EMAIL_URL",
                id="aisc.E007",
            )
        ]
    return []


@register(TAG, deploy=True)
def slurm_reachable(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    reached = probes.slurm()
    if reached is not None and not reached.ok:
        return [
            Error(
                reached.detail,
                hint="AISC_CLUSTER=slurm: run aisc on a host with Slurm's client commands, "
                "a munge key and access to slurmctld and slurmdbd (docs/deploy.md)",
                id="aisc.E008",
            )
        ]
    return []


@register(TAG, deploy=True)
def sso_domains(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Each organisation AISC_OIDC_DOMAINS names must exist, or its people are never invited."""
    codes = {code for _, code in settings.AISC_OIDC.domains}
    known = set(
        Organisation.objects.filter(registration_code__in=codes).values_list(
            "registration_code", flat=True
        )
    )
    return [
        Error(
            f"AISC_OIDC_DOMAINS: no organisation has the registration code {code!r}",
            hint="use the code shown on the organisation's page, or register it first",
            id="aisc.E009",
        )
        for code in sorted(codes - known)
    ]
