"""Django settings, derived from the typed aisc.config object (read once)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import django_stubs_ext
from csp.constants import NONE, SELF
from whitenoise.compress import Compressor

from aisc import config as aisc_config
from aisc.web.accounts import sso_settings
from aisc.web.ops import logs

# Lets admin.ModelAdmin[Model] and friends be subscripted at run time, as the type stubs allow.
django_stubs_ext.monkeypatch()

CONFIG = aisc_config.load()
BASE_DIR = Path(__file__).resolve().parent

STATIC_ROOT = CONFIG.static_root
COLLECTED = (STATIC_ROOT / "staticfiles.json").exists()  # `aisc collectstatic` has run

SECRET_KEY = CONFIG.secret_key
DEBUG = CONFIG.debug
ALLOWED_HOSTS = list(CONFIG.allowed_hosts)
CSRF_TRUSTED_ORIGINS = [CONFIG.public_url.origin] if CONFIG.public_url.origin else []

AISC_APPS = [
    "aisc.web.accounts",
    "aisc.web.audit",
    "aisc.web.outbox",
    "aisc.web.notify",
    "aisc.web.portal",
    "aisc.web.backoffice",
    "aisc.web.billing",
    "aisc.web.catalogue",
    "aisc.web.grants",
    "aisc.web.allocations",
    "aisc.web.cluster",
    "aisc.web.ops",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    # Second factor: TOTP authenticators and single-use recovery codes (accounts.second_factor).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Listed so /api/v1/docs renders Swagger UI from ninja's own static files rather than a CDN
    # (an air-gapped centre has no CDN).
    "ninja",
    *AISC_APPS,
]

MIDDLEWARE = [
    "aisc.web.ops.middleware.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "aisc.web.portal.headers.PermissionsPolicyMiddleware",
    "aisc.web.api.middleware.JsonErrorsMiddleware",
    "aisc.web.api.middleware.BodySizeLimitMiddleware",
    # Serves the collected static files (hashed names, far-future caching, gzip/brotli) from
    # the server's workers; before `aisc collectstatic` the development server serves them.
    *(["whitenoise.middleware.WhiteNoiseMiddleware"] if COLLECTED else []),
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "aisc.web.accounts.signed_in.SignedInMiddleware",  # django-otp's OTPMiddleware, one read
    "aisc.web.accounts.second_factor_middleware.SecondFactorMiddleware",
    "aisc.web.accounts.time_zone.UserTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "aisc.web.audit.middleware.RequestContextMiddleware",
    "axes.middleware.AxesMiddleware",
    "aisc.web.ops.middleware.RequestLogMiddleware",
    # Last: its refusal is a page in the user's language, shown with the user's navigation.
    "aisc.web.portal.request_guard.NulGuardMiddleware",
]

# Scripts, styles, images and fetches from this site only, never inline (the portal's scripts are
# static files); no plugins; no framing by anyone; forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Browser features no page of the portal uses, turned off for it and anything it embeds.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

ROOT_URLCONF = "aisc.web.urls"
WSGI_APPLICATION = "aisc.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "aisc.web.portal.context.navigation",
            ],
        },
    }
]
# Plain inputs, selects and text areas written out in Python, the same HTML as Django's widget
# templates (aisc/web/portal/form_html.py); the other widgets render through their templates.
FORM_RENDERER = "aisc.web.portal.form_html.FormRenderer"


# Write-ahead logging: a commit appends its pages once instead of journalling every page it
# changes, and readers (the portal) no longer wait for a writer (the ingest). synchronous=NORMAL
# is safe with WAL: a transaction committed before a kill -9 survives it (the log is written at
# commit; only the fsync waits for the checkpoint), and a power cut can lose only the last
# commits, whole, never leave one half-written. A 64 MiB page cache keeps the indexes of a
# million-record ingest in memory (the default is 2 MiB). A checkpoint every 10,000 pages (about
# 40 MiB of log) rather than SQLite's 1,000: each checkpoint copies the pages changed since the
# last one into the database, and the hot index pages of an ingest are changed again and again,
# so ten times fewer checkpoints copy them ten times less (a million-record ingest went from
# about 43 s to 36-41 s). See docs/benchmarks.md "## Billing".
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; "
    "PRAGMA wal_autocheckpoint=10000"
)


# Parameters travel apart from the statement (PostgreSQL's extended protocol, Django's
# server_side_binding), and psycopg prepares a statement on the server once a connection has run
# it twice: the web's requests run the same few dozen statements again and again on kept
# connections (CONN_MAX_AGE), so the server parses and plans each once per connection instead of
# once per request (half of PostgreSQL's CPU a request of the web load mix: docs/benchmarks.md,
# "Session 11"). Django leaves prepared statements off for PgBouncer's transaction pooling,
# which kept them only from its version 1.21 (max_prepared_statements); aisc connects directly
# (docs/deploy.md). One statement binds at most 65,535 values this way (aisc.web.ops.postgresql
# splits bulk inserts for it).
POSTGRESQL_OPTIONS: dict[str, object] = {"server_side_binding": True, "prepare_threshold": 2}


def _database(db: aisc_config.DatabaseConfig) -> dict[str, Any]:
    if db.engine == "sqlite":
        Path(db.name).parent.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": db.name,
            "OPTIONS": {
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": SQLITE_PRAGMAS,
            },
        }
    return {
        "ENGINE": "aisc.web.ops.postgresql",
        "NAME": db.name,
        "USER": db.user,
        "PASSWORD": db.password,
        "HOST": db.host,
        "PORT": db.port,
        "OPTIONS": {**POSTGRESQL_OPTIONS, **db.options},
        # Kept between requests by each worker thread; checked before reuse, so a restarted
        # PostgreSQL costs one reconnect, not an error page (aisc.web.ops.postgresql: Django's
        # backend, whose check asks the socket rather than the server).
        "CONN_MAX_AGE": CONFIG.conn_max_age,
        "CONN_HEALTH_CHECKS": CONFIG.conn_max_age > 0,
    }


DATABASES = {"default": _database(CONFIG.database)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Passwords (axes counts the failures first), and single sign-on when a provider is configured
# (AISC_OIDC_*, aisc/web/accounts/sso.py): AISC_OIDC, AUTHENTICATION_BACKENDS and the OIDC_* names.
globals().update(sso_settings.django_settings(CONFIG.oidc))
AISC_OIDC = CONFIG.oidc
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Django's four rules, at least 12 characters (NIST SP 800-63B's advice: length, not
# composition, and no password found in breach lists).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Log-in lock-out (aisc/web/accounts/throttling.py): 5 wrong passwords for one account or from one
# address refuse both for 15 minutes; each attempt during the lock-out starts the 15 minutes again.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "aisc.web.accounts.throttling.axes_username"
AXES_LOCKOUT_CALLABLE = "aisc.web.accounts.throttling.axes_locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False  # attempts are cleared by the cool-off, not edited by hand
# Other limits ("count/period"), per token, user, address or e-mail address as throttling.py says.
AISC_RATES = {
    "api": "600/min",
    "anonymous": "60/min",
    "token_create": "10/hour",
    "password_reset_address": "3/hour",
    "password_reset_client": "20/hour",
    "signup_address": "3/hour",
    "signup_client": "10/hour",
}
# The throttles count in the database (accounts.RateCount, one upsert a request), not in Django's
# cache: every worker process and every host behind the proxy counts against the same limit, with
# no cache service to run. In one process's memory, N workers would each allow the whole rate.

# The staff roles that move money or decide awards sign in with a second factor (TOTP or a
# recovery code), as does anybody who can open Django's admin (accounts.second_factor).
AISC_TWO_FACTOR_ROLES = ("committee", "finance", "secretariat", "admin")
OTP_TOTP_ISSUER = "AISC"

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "queues:dashboard"
LOGOUT_REDIRECT_URL = "grants:front"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hant", "繁體中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
USE_I18N = True
TIME_ZONE = CONFIG.time_zone
USE_TZ = True

STATIC_URL = "/static/"
# The project-wide stylesheet (base.html's aisc/site.css) belongs to no app, so the finders that
# `aisc serve --dev` and collectstatic use must be told where it lives.
STATICFILES_DIRS = [BASE_DIR / "static"]
# `aisc collectstatic` (run by `make install` and on upgrade) writes hashed, compressed copies
# and a manifest into STATIC_ROOT; once the manifest is there, templates link the hashed names
# and whitenoise serves them with a far-future Cache-Control. Before it (the development server,
# the test suite) the plain names are served from the apps by the finders.
MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": MANIFEST_STORAGE
        if COLLECTED
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Only the hashed copies are kept and compressed (templates link nothing else); source maps are
# read by developers' tools, rarely, and compressing their megabytes doubled the install time.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
MEDIA_ROOT = CONFIG.files_dir

SESSION_COOKIE_HTTPONLY = True
# Django's database sessions, read with one statement written out once (accounts/sessions.py).
SESSION_ENGINE = "aisc.web.accounts.sessions"
CSRF_COOKIE_HTTPONLY = False  # htmx and the portal's scripts read it for the X-CSRFToken header

# A request body larger than this is refused with 413 before anything reads it
# (aisc.web.api.middleware.BodySizeLimitMiddleware): the largest document (10 MB) and its form.
AISC_MAX_REQUEST_BODY = 11 * 1024 * 1024
# Form fields and JSON are read into memory up to 2 MiB; an uploaded file above 1 MiB streams to
# a temporary file on disk instead of memory.
# Every paginated API list (@paginate) uses this page-number class, which caps the page number.
NINJA_PAGINATION_CLASS = "aisc.web.api.pagination.Pages"
# Statement PDFs rendered at once per server process (aisc.web.billing.pdfs).
AISC_PDF_RENDERS = 2
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# TLS is the proxy's job. Plain HTTP on loopback works with nothing set; once the public URL is
# https://, cookies are sent over TLS only, browsers are told to stay on https (HSTS) and a
# request that reached the proxy over http is redirected, except the probes a monitor sends to
# the loopback port.
_HTTPS = CONFIG.public_url.https
if CONFIG.proxy_tls_header:
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + CONFIG.proxy_tls_header.upper().replace("-", "_"),
        "https",
    )
SECURE_SSL_REDIRECT = _HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
LANGUAGE_COOKIE_SECURE = _HTTPS
SECURE_HSTS_SECONDS = CONFIG.hsts_seconds
# The centre's other hosts under the same domain are not aisc's to pin to https, nor is the
# browsers' preload list: both are the operator's decision, taken at the proxy.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]

AISC_CLUSTER = CONFIG.cluster
AISC_USAGE_INGEST_MINUTES = CONFIG.usage_ingest_minutes
AISC_SLURM_RECONCILE_MINUTES = CONFIG.slurm_reconcile_minutes
AISC_CREDIT_WARN_PERCENT = CONFIG.credit_warn_percent
AISC_CREDIT_STOP_PERCENT = CONFIG.credit_stop_percent
AISC_EMBEDDED_POLICY = CONFIG.embedded_policy
AISC_OUTBOX_MAX_ATTEMPTS = CONFIG.outbox_max_attempts
AISC_TOKEN_MAX_DAYS = CONFIG.token_max_days
# A review is due this many days after its assignment (the reviewer's dashboard shows the date).
AISC_REVIEW_DAYS = 21
AISC_FILES_DIR = CONFIG.files_dir
AISC_AUDIT_ANCHOR_KEY = CONFIG.audit_anchor_key
AISC_AUDIT_ANCHOR_DIR = CONFIG.audit_anchor_dir
AISC_AUDIT_ANCHOR_MINUTES = CONFIG.audit_anchor_minutes
AISC_AUDIT_ANCHOR_MAIL_MINUTES = CONFIG.audit_anchor_mail_minutes
AISC_EMBEDDED_ADVANCE_SECONDS = CONFIG.embedded_advance_seconds
AISC_METRICS_TOKEN = CONFIG.metrics_token


def _email(email: aisc_config.EmailConfig) -> dict[str, Any]:
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "memory": "django.core.mail.backends.locmem.EmailBackend",
        "file": "django.core.mail.backends.filebased.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
    }
    return {
        "EMAIL_BACKEND": backends[email.backend],
        "EMAIL_HOST": email.host,
        "EMAIL_PORT": email.port,
        "EMAIL_HOST_USER": email.user,
        "EMAIL_HOST_PASSWORD": email.password,
        "EMAIL_USE_SSL": email.use_ssl,
        "EMAIL_USE_TLS": email.use_tls,
        "EMAIL_FILE_PATH": email.path,
        "EMAIL_TIMEOUT": email.timeout,
    }


_mail = _email(CONFIG.email)
EMAIL_BACKEND = _mail["EMAIL_BACKEND"]
EMAIL_HOST = _mail["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _mail["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _mail["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _mail["EMAIL_HOST_PASSWORD"]
EMAIL_USE_SSL = _mail["EMAIL_USE_SSL"]
EMAIL_USE_TLS = _mail["EMAIL_USE_TLS"]
EMAIL_TIMEOUT = _mail["EMAIL_TIMEOUT"]
EMAIL_FILE_PATH = _mail["EMAIL_FILE_PATH"]
DEFAULT_FROM_EMAIL = "AISC <noreply@aisc.example.hk>"

LOGGING = logs.config(CONFIG.log_format, CONFIG.log_level)
