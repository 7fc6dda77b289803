"""The URL-shaped settings: database, mail and the public address.

Parsing is done by the libraries made for it (dj-database-url, dj-email-url); this module
only checks what they let through silently (a missing database name, a port out of range) so
that every mistake is one line naming the variable, and maps aisc's mail schemes onto theirs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import dj_database_url
import dj_email_url


class ConfigError(Exception):
    """One environment variable holds a value that breaks its rule."""


@dataclass(frozen=True)
class DatabaseConfig:
    engine: str  # "sqlite" or "postgresql"
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""
    # Query parameters of the URL (sslmode, sslrootcert, connect_timeout, ...), handed to the
    # driver as they are.
    options: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class EmailConfig:
    backend: str  # "console", "memory", "smtp", "file"
    host: str = ""
    port: int = 0
    user: str = ""
    password: str = ""
    use_tls: bool = False  # STARTTLS after a plain connect (smtp+tls://, port 587)
    use_ssl: bool = False  # TLS from the first byte (smtps://, port 465)
    path: str = ""
    timeout: int | None = None


def _port(name: str, raw: str) -> None:
    try:
        urlsplit(raw).port  # noqa: B018 - urlsplit checks the port only when it is read
    except ValueError as exc:
        raise ConfigError(f"{name}: the port must be a number from 1 to 65535") from exc


def parse_database_url(name: str, raw: str, data_dir: Path) -> DatabaseConfig:
    if not raw:
        return DatabaseConfig(engine="sqlite", name=str(data_dir / "aisc.sqlite3"))
    parts = urlsplit(raw)
    if parts.scheme == "sqlite" and not parts.path.lstrip("/"):
        raise ConfigError(f"{name}: a sqlite URL needs a file path, e.g. sqlite:///var/aisc.db")
    if parts.scheme in {"postgres", "postgresql"} and not parts.path.lstrip("/"):
        raise ConfigError(f"{name}: a postgresql URL needs a database name after the host")
    if parts.scheme not in {"sqlite", "postgres", "postgresql"}:
        raise ConfigError(
            f"{name}: must be a sqlite:///PATH or postgresql://USER:PASSWORD@HOST:PORT/NAME URL "
            f"(got {raw!r})"
        )
    _port(name, raw)
    parsed = dj_database_url.parse(raw)
    options = dict(parsed.get("OPTIONS", {}))
    # A socket directory may come as ?host=/var/run/postgresql instead of in the authority.
    host = str(parsed["HOST"] or options.pop("host", ""))
    engine = "sqlite" if parts.scheme == "sqlite" else "postgresql"
    return DatabaseConfig(
        engine=engine,
        name=str(parsed["NAME"]),
        user=str(parsed["USER"] or ""),
        password=str(parsed["PASSWORD"] or ""),
        host=host,
        port=str(parsed["PORT"] or ""),
        options=options,
    )


# aisc's schemes → dj-email-url's: smtp+tls is STARTTLS (its "submission"), smtps is TLS from
# the first byte (its smtp with ?ssl=1; its own "smtps" would mean STARTTLS).
_MAIL_SCHEMES = {"smtp": ("smtp", 25), "smtp+tls": ("submission", 587), "smtps": ("smtp", 465)}


def parse_email_url(name: str, raw: str, data_dir: Path) -> EmailConfig:
    if not raw:
        return EmailConfig(backend="console")
    parts = urlsplit(raw)
    if parts.scheme in {"console", "memory"}:
        return EmailConfig(backend=parts.scheme)
    if parts.scheme == "file":
        return EmailConfig(backend="file", path=parts.path or str(data_dir / "mail"))
    if parts.scheme not in _MAIL_SCHEMES:
        raise ConfigError(
            f"{name}: must be console://, memory://, file:///DIR, smtp://USER:PASS@HOST:PORT, "
            f"smtp+tls://… (STARTTLS) or smtps://… (TLS) (got {raw!r})"
        )
    if not parts.hostname:
        raise ConfigError(f"{name}: an smtp URL needs a host, e.g. smtp://mail.example:25")
    _port(name, raw)
    scheme, default_port = _MAIL_SCHEMES[parts.scheme]
    query = parse_qsl(parts.query)
    if parts.scheme == "smtps":
        query.append(("ssl", "1"))
    try:
        mail = dj_email_url.parse(urlunsplit(parts._replace(scheme=scheme, query=urlencode(query))))
    except ValueError as exc:
        raise ConfigError(f"{name}: ?timeout= must be a whole number of seconds") from exc
    return EmailConfig(
        backend="smtp",
        host=str(mail["EMAIL_HOST"]),
        port=parts.port or default_port,
        user=str(mail["EMAIL_HOST_USER"] or ""),
        password=str(mail["EMAIL_HOST_PASSWORD"] or ""),
        use_tls=bool(mail["EMAIL_USE_TLS"]),
        use_ssl=bool(mail["EMAIL_USE_SSL"]),
        timeout=mail["EMAIL_TIMEOUT"],
    )


@dataclass(frozen=True)
class PublicUrl:
    """Where users reach the centre: https://aisc.example.hk (the proxy's address)."""

    origin: str = ""  # scheme://host[:port], or "" when unset (loopback only)
    host: str = ""

    @property
    def https(self) -> bool:
        return self.origin.startswith("https://")


def parse_public_url(name: str, raw: str) -> PublicUrl:
    if not raw.strip():
        return PublicUrl()
    parts = urlsplit(raw.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigError(f"{name}: must be http(s)://HOST[:PORT], e.g. https://aisc.example.hk")
    if parts.path.strip("/") or parts.query or parts.fragment:
        raise ConfigError(f"{name}: aisc is served at the root: no path, query or fragment")
    _port(name, raw)
    return PublicUrl(origin=f"{parts.scheme}://{parts.netloc}", host=parts.hostname)
