"""The demo centre's shared pieces: the report each loader adds to, and the one password.
The loaders themselves, in order, are in aisc.web.demo_load (above every app)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - the demo prints it on purpose
# The demo's staff who need a second factor share this authenticator key (docs/security.md): add
# it to any TOTP app as the base32 text below, or compute codes from it (`oathtool --totp -b`).
DEMO_TOTP_KEY_BASE32 = "MFUXGYZNMRSW23ZNONSWG33OMQWWMYLD"


@dataclass
class DemoReport:
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role, email, password)
    notes: list[str] = field(default_factory=list)


Loader = Callable[[DemoReport], None]
