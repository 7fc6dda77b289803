"""Settings read once from the environment into a typed object.

A bad value raises ConfigError whose message is one line naming the variable and the rule;
entry points print it and exit without a traceback.
"""

from __future__ import annotations

import os
import secrets
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit


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


@dataclass(frozen=True)
class EmailConfig:
    backend: str  # "console", "memory", "smtp", "file"
    host: str = ""
    port: int = 0
    user: str = ""
    password: str = ""
    use_tls: bool = False
    path: str = ""


@dataclass(frozen=True)
class Config:
    data_dir: Path
    database: DatabaseConfig
    secret_key: str
    debug: bool
    allowed_hosts: tuple[str, ...]
    time_zone: str
    email: EmailConfig
    cluster: str  # "embedded" or "slurm"
    files_dir: Path
    usage_ingest_minutes: float = 15.0  # the worker reads cluster usage this often
    slurm_reconcile_minutes: float = 10.0  # the worker brings Slurm in line this often
    embedded_policy: str = "backfill"  # the embedded cluster's scheduling policy
    outbox_max_attempts: int = 10  # failed deliveries before a message becomes a dead letter
    # Signs the audit chain's head; kept out of the database so whoever can write the database
    # cannot sign a rewritten chain (aisc.web.audit.anchor).
    audit_anchor_key: str = ""
    audit_anchor_dir: Path = Path("var/audit-anchors")  # where the worker writes signed heads
    audit_anchor_minutes: float = 60.0
    token_max_days: int = 366  # the longest lifetime an API token may be given


# Policies that can give a queued job back, which the allocation limits need (core gate).
EMBEDDED_POLICIES = ("backfill", "multifactor", "fifo")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def parse_bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name}: must be one of 1/0, true/false, yes/no, on/off (got {raw!r})")


def parse_database_url(name: str, raw: str, data_dir: Path) -> DatabaseConfig:
    if not raw:
        return DatabaseConfig(engine="sqlite", name=str(data_dir / "aisc.sqlite3"))
    parts = urlsplit(raw)
    if parts.scheme == "sqlite":
        # sqlite:///relative.db, sqlite:////abs/path.db
        path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        if not path:
            raise ConfigError(f"{name}: a sqlite URL needs a file path, e.g. sqlite:///var/aisc.db")
        return DatabaseConfig(engine="sqlite", name=path)
    if parts.scheme in {"postgres", "postgresql"}:
        db = unquote(parts.path.lstrip("/"))
        if not db:
            raise ConfigError(f"{name}: a postgresql URL needs a database name after the host")
        query = parse_qs(parts.query)
        host = parts.hostname or query.get("host", [""])[0]
        try:
            port = str(parts.port or "")
        except ValueError as exc:
            raise ConfigError(f"{name}: the port must be a number from 1 to 65535") from exc
        return DatabaseConfig(
            engine="postgresql",
            name=db,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            host=host,
            port=port,
        )
    raise ConfigError(
        f"{name}: must be a sqlite:///PATH or postgresql://USER:PASSWORD@HOST:PORT/NAME URL "
        f"(got {raw!r})"
    )


def parse_email_url(name: str, raw: str, data_dir: Path) -> EmailConfig:
    if not raw:
        return EmailConfig(backend="console")
    parts = urlsplit(raw)
    if parts.scheme in {"console", "memory"}:
        return EmailConfig(backend=parts.scheme)
    if parts.scheme == "file":
        return EmailConfig(backend="file", path=parts.path or str(data_dir / "mail"))
    if parts.scheme in {"smtp", "smtps", "smtp+tls"}:
        if not parts.hostname:
            raise ConfigError(f"{name}: an smtp URL needs a host, e.g. smtp://mail.example:25")
        try:
            port = parts.port or (465 if parts.scheme == "smtps" else 25)
        except ValueError as exc:
            raise ConfigError(f"{name}: the port must be a number from 1 to 65535") from exc
        return EmailConfig(
            backend="smtp",
            host=parts.hostname,
            port=port,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            use_tls=parts.scheme != "smtp",
        )
    raise ConfigError(
        f"{name}: must be console://, memory://, file:///DIR or smtp://USER:PASS@HOST:PORT "
        f"(got {raw!r})"
    )


def parse_minutes(name: str, raw: str, default: float) -> float:
    """A period of the worker in minutes: a number above zero (fractions allowed, e.g. 0.5)."""
    if not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):  # also refuses NaN
        raise ConfigError(f"{name}: must be a number of minutes above zero (got {raw!r})")
    return value


def parse_count(name: str, raw: str, default: int, lowest: int = 1) -> int:
    """A whole number at or above `lowest`; empty means the default."""
    if not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        value = lowest - 1
    if value < lowest:
        raise ConfigError(f"{name}: must be a whole number of at least {lowest} (got {raw!r})")
    return value


def create_secret_key(path: Path) -> None:
    """Write a new key whole, then link it into place: processes starting together (test
    workers, a server and its worker) never read a half-written file, and the first one wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(secrets.token_urlsafe(50))
    tmp.chmod(0o600)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass  # another process created it first; everyone uses that one
    finally:
        tmp.unlink()


def read_secret_key(env: Mapping[str, str], data_dir: Path) -> str:
    if env.get("AISC_SECRET_KEY"):
        key = env["AISC_SECRET_KEY"]
    elif env.get("AISC_SECRET_KEY_FILE"):
        path = Path(env["AISC_SECRET_KEY_FILE"])
        try:
            key = path.read_text().strip()
        except OSError as exc:
            raise ConfigError(
                f"AISC_SECRET_KEY_FILE: must name a readable file ({path}: {exc.strerror})"
            ) from exc
    else:
        # The demo keeps a generated key in its data dir so sessions survive restarts.
        path = data_dir / "secret_key"
        if not path.exists():
            create_secret_key(path)
        key = path.read_text().strip()
    if len(key) < 32:
        raise ConfigError("AISC_SECRET_KEY: must be at least 32 characters long")
    return key


def read_anchor_key(env: Mapping[str, str], data_dir: Path) -> str:
    """AISC_AUDIT_ANCHOR_KEY, or the file AISC_AUDIT_ANCHOR_KEY_FILE names, or (the demo) a key
    generated into the data dir; never the database, which is what the key protects against."""
    name = "AISC_AUDIT_ANCHOR_KEY"
    if env.get(name):
        key = env[name]
    elif env.get(f"{name}_FILE"):
        path = Path(env[f"{name}_FILE"])
        try:
            key = path.read_text().strip()
        except OSError as exc:
            raise ConfigError(
                f"{name}_FILE: must name a readable file ({path}: {exc.strerror})"
            ) from exc
    else:
        path = data_dir / "audit_anchor_key"
        if not path.exists():
            create_secret_key(path)
        key = path.read_text().strip()
    if len(key) < 32:
        raise ConfigError(f"{name}: must be at least 32 characters long")
    return key


def load(env: Mapping[str, str] | None = None) -> Config:
    env = os.environ if env is None else env
    data_dir = Path(env.get("AISC_DATA_DIR", "./var")).resolve()
    tz = env.get("AISC_TIME_ZONE", "Asia/Hong_Kong")
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"AISC_TIME_ZONE: must be an IANA time zone name such as Asia/Hong_Kong (got {tz!r})"
        ) from exc
    cluster = env.get("AISC_CLUSTER", "embedded")
    if cluster not in {"embedded", "slurm"}:
        raise ConfigError(f"AISC_CLUSTER: must be 'embedded' or 'slurm' (got {cluster!r})")
    embedded_policy = env.get("AISC_EMBEDDED_POLICY", "backfill")
    if embedded_policy not in EMBEDDED_POLICIES:
        raise ConfigError(
            f"AISC_EMBEDDED_POLICY: must be one of {', '.join(EMBEDDED_POLICIES)} "
            f"(got {embedded_policy!r}); the others cannot hold jobs back for allocation limits"
        )
    hosts_raw = env.get("AISC_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
    hosts = tuple(h.strip() for h in hosts_raw.split(",") if h.strip())
    if not hosts:
        raise ConfigError("AISC_ALLOWED_HOSTS: must list at least one host, comma-separated")
    return Config(
        data_dir=data_dir,
        database=parse_database_url(
            "AISC_DATABASE_URL", env.get("AISC_DATABASE_URL", ""), data_dir
        ),
        secret_key=read_secret_key(env, data_dir),
        debug=parse_bool("AISC_DEBUG", env.get("AISC_DEBUG", "")),
        allowed_hosts=hosts,
        time_zone=tz,
        email=parse_email_url("AISC_EMAIL_URL", env.get("AISC_EMAIL_URL", ""), data_dir),
        cluster=cluster,
        files_dir=Path(env.get("AISC_FILES_DIR", str(data_dir / "files"))).resolve(),
        usage_ingest_minutes=parse_minutes(
            "AISC_USAGE_INGEST_MINUTES", env.get("AISC_USAGE_INGEST_MINUTES", ""), 15.0
        ),
        slurm_reconcile_minutes=parse_minutes(
            "AISC_SLURM_RECONCILE_MINUTES", env.get("AISC_SLURM_RECONCILE_MINUTES", ""), 10.0
        ),
        embedded_policy=embedded_policy,
        outbox_max_attempts=parse_count(
            "AISC_OUTBOX_MAX_ATTEMPTS", env.get("AISC_OUTBOX_MAX_ATTEMPTS", ""), 10
        ),
        audit_anchor_key=read_anchor_key(env, data_dir),
        audit_anchor_dir=Path(
            env.get("AISC_AUDIT_ANCHOR_DIR", str(data_dir / "audit-anchors"))
        ).resolve(),
        audit_anchor_minutes=parse_minutes(
            "AISC_AUDIT_ANCHOR_MINUTES", env.get("AISC_AUDIT_ANCHOR_MINUTES", ""), 60.0
        ),
        token_max_days=parse_count("AISC_TOKEN_MAX_DAYS", env.get("AISC_TOKEN_MAX_DAYS", ""), 366),
    )
