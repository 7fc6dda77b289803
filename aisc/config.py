"""Settings read once from the environment into a typed object.

A bad value raises ConfigError whose message is one line naming the variable and the rule;
entry points print it and exit without a traceback.
"""

from __future__ import annotations

import os
import secrets
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from aisc.config_sso import OidcConfig, parse_oidc
from aisc.config_urls import (
    ConfigError,
    DatabaseConfig,
    EmailConfig,
    PublicUrl,
    parse_database_url,
    parse_email_url,
    parse_public_url,
)

__all__ = [
    "Config",
    "ConfigError",
    "DatabaseConfig",
    "EmailConfig",
    "OidcConfig",
    "PublicUrl",
    "load",
]


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
    audit_anchor_mail_minutes: float = 1440.0  # between the anchors mailed to the auditors
    token_max_days: int = 366  # the longest lifetime an API token may be given
    embedded_advance_seconds: float = 60.0  # the worker moves the embedded cluster this often
    public_url: PublicUrl = field(default_factory=PublicUrl)
    proxy_tls_header: str = ""  # the header the proxy sets to "https", e.g. X-Forwarded-Proto
    hsts_seconds: int = 0
    conn_max_age: int = 0  # seconds a database connection is kept between requests
    static_root: Path = Path("static")
    bind_host: str = "127.0.0.1"
    bind_port: int = 8000
    web_workers: int = 2
    log_format: str = "text"  # "text" or "json"
    log_level: str = "INFO"
    metrics_token: str = ""  # empty: /metrics answers loopback clients only
    secret_key_file: Path | None = None  # where the key came from, if from a file
    oidc: OidcConfig = field(default_factory=OidcConfig)  # single sign-on; off by default
    # Percent of an allocation's released GPU-hours at which the grantee is warned, and at which
    # new jobs stop (aisc.core.allocations.credit).
    credit_warn_percent: int = 80
    credit_stop_percent: int = 100


# Policies that can give a queued job back, which the allocation limits need (core gate).
EMBEDDED_POLICIES = ("backfill", "multifactor", "fifo")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
# A year, the value the HSTS preload list asks for; only sent when the public URL is https.
HSTS_DEFAULT = 365 * 24 * 3600


def parse_bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name}: must be one of 1/0, true/false, yes/no, on/off (got {raw!r})")


def parse_count(
    name: str, raw: str, default: int, lowest: int = 1, highest: int | None = None
) -> int:
    """A whole number from `lowest` (to `highest`, when given); empty means the default."""
    if not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        value = lowest - 1
    if highest is not None and not lowest <= value <= highest:
        raise ConfigError(
            f"{name}: must be a whole number from {lowest} to {highest} (got {raw!r})"
        )
    if value < lowest:
        raise ConfigError(f"{name}: must be a whole number of at least {lowest} (got {raw!r})")
    return value


def parse_choice(name: str, raw: str, choices: tuple[str, ...], default: str) -> str:
    value = raw.strip() or default
    if value not in choices:
        raise ConfigError(f"{name}: must be one of {', '.join(choices)} (got {raw!r})")
    return value


def parse_header(name: str, raw: str, default: str) -> str:
    """An HTTP header name; "none" turns the feature off."""
    value = raw.strip() or default
    if value.lower() == "none":
        return ""
    if not value.replace("-", "").isalnum() or not value.isascii():
        raise ConfigError(f"{name}: must be an HTTP header name such as X-Forwarded-Proto, or none")
    return value


def parse_positive(name: str, raw: str, default: float, unit: str = "minutes") -> float:
    """A period: a number above zero (fractions allowed, e.g. 0.5)."""
    if not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):  # also refuses NaN
        raise ConfigError(f"{name}: must be a number of {unit} above zero (got {raw!r})")
    return value


def parse_minutes(name: str, raw: str, default: float) -> float:
    return parse_positive(name, raw, default, "minutes")


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


def secret_key_file(env: Mapping[str, str], data_dir: Path) -> Path | None:
    """The file the key is read from; None when AISC_SECRET_KEY holds the key itself."""
    if env.get("AISC_SECRET_KEY"):
        return None
    if env.get("AISC_SECRET_KEY_FILE"):
        return Path(env["AISC_SECRET_KEY_FILE"])
    return data_dir / "secret_key"


def read_secret_key(env: Mapping[str, str], data_dir: Path) -> str:
    # The demo keeps a generated key in its data dir so sessions survive restarts.
    return _read_key(env, "AISC_SECRET_KEY", data_dir / "secret_key")


def read_anchor_key(env: Mapping[str, str], data_dir: Path) -> str:
    """AISC_AUDIT_ANCHOR_KEY, or the file AISC_AUDIT_ANCHOR_KEY_FILE names, or (the demo) a key
    generated into the data dir; never the database, which is what the key protects against."""
    return _read_key(env, "AISC_AUDIT_ANCHOR_KEY", data_dir / "audit_anchor_key")


def _read_key(env: Mapping[str, str], name: str, generated: Path) -> str:
    """The variable `name`, or the file `name`_FILE names, or a key generated once into
    `generated` and read from there after; at least 32 characters."""
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
        if not generated.exists():
            create_secret_key(generated)
        key = generated.read_text().strip()
    if len(key) < 32:
        raise ConfigError(f"{name}: must be at least 32 characters long")
    return key


def parse_credit(env: Mapping[str, str]) -> tuple[int, int]:
    warn = parse_count(
        "AISC_CREDIT_WARN_PERCENT", env.get("AISC_CREDIT_WARN_PERCENT", ""), 80, 1, 99
    )
    stop = parse_count(
        "AISC_CREDIT_STOP_PERCENT", env.get("AISC_CREDIT_STOP_PERCENT", ""), 100, 2, 100
    )
    if warn >= stop:
        raise ConfigError(
            f"AISC_CREDIT_WARN_PERCENT: must be below AISC_CREDIT_STOP_PERCENT ({warn} >= {stop})"
        )
    return warn, stop


def default_workers() -> int:
    """One granian worker process per core, each running the application in several threads
    (docs/benchmarks.md, "Which WSGI server": more processes cost memory and measured no
    better)."""
    return len(os.sched_getaffinity(0))


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
    public = parse_public_url("AISC_PUBLIC_URL", env.get("AISC_PUBLIC_URL", ""))
    hosts_raw = env.get("AISC_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
    hosts = tuple(h.strip() for h in hosts_raw.split(",") if h.strip())
    if not hosts:
        raise ConfigError("AISC_ALLOWED_HOSTS: must list at least one host, comma-separated")
    if public.host and public.host not in hosts:
        hosts = (*hosts, public.host)
    https = public.https
    credit_warn, credit_stop = parse_credit(env)
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
        audit_anchor_mail_minutes=parse_minutes(
            "AISC_AUDIT_ANCHOR_MAIL_MINUTES", env.get("AISC_AUDIT_ANCHOR_MAIL_MINUTES", ""), 1440.0
        ),
        token_max_days=parse_count("AISC_TOKEN_MAX_DAYS", env.get("AISC_TOKEN_MAX_DAYS", ""), 366),
        embedded_advance_seconds=parse_positive(
            "AISC_EMBEDDED_ADVANCE_SECONDS",
            env.get("AISC_EMBEDDED_ADVANCE_SECONDS", ""),
            60.0,
            "seconds",
        ),
        public_url=public,
        proxy_tls_header=parse_header(
            "AISC_PROXY_TLS_HEADER",
            env.get("AISC_PROXY_TLS_HEADER", ""),
            "X-Forwarded-Proto" if https else "none",
        ),
        hsts_seconds=parse_count(
            "AISC_HSTS_SECONDS",
            env.get("AISC_HSTS_SECONDS", ""),
            HSTS_DEFAULT if https else 0,
            0,
            10 * HSTS_DEFAULT,
        ),
        conn_max_age=parse_count(
            "AISC_DB_CONN_MAX_AGE", env.get("AISC_DB_CONN_MAX_AGE", ""), 0, 0, 24 * 3600
        ),
        static_root=Path(env.get("AISC_STATIC_ROOT", "") or data_dir / "static").resolve(),
        bind_host=env.get("AISC_HOST", "").strip() or "127.0.0.1",
        bind_port=parse_count("AISC_PORT", env.get("AISC_PORT", ""), 8000, 1, 65535),
        web_workers=parse_count(
            "AISC_WEB_WORKERS", env.get("AISC_WEB_WORKERS", ""), default_workers(), 1, 256
        ),
        log_format=parse_choice(
            "AISC_LOG_FORMAT", env.get("AISC_LOG_FORMAT", ""), ("text", "json"), "text"
        ),
        log_level=parse_choice(
            "AISC_LOG_LEVEL", env.get("AISC_LOG_LEVEL", "").upper(), LOG_LEVELS, "INFO"
        ),
        metrics_token=env.get("AISC_METRICS_TOKEN", "").strip(),
        secret_key_file=secret_key_file(env, data_dir),
        credit_warn_percent=credit_warn,
        credit_stop_percent=credit_stop,
        oidc=parse_oidc(env),
    )
