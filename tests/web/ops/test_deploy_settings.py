"""The Django settings a public deployment gets from the environment: read in a fresh process,
since settings are read once at start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

PRINT = """
import json
from django.conf import settings
names = ["ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SECURE_HSTS_SECONDS", "DEBUG",
    "EMAIL_USE_TLS", "EMAIL_USE_SSL", "EMAIL_PORT", "STORAGES"]
out = {n: getattr(settings, n) for n in names}
out["SECURE_PROXY_SSL_HEADER"] = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
db = settings.DATABASES["default"]
out["DB"] = {k: db.get(k) for k in ("ENGINE", "OPTIONS", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS")}
print(json.dumps(out))
"""


def settings_under(tmp_path: Path, **env: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", PRINT],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "aisc.web.settings",
            "AISC_DATA_DIR": str(tmp_path),
            "AISC_DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
            **env,
        },
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_plain_http_on_loopback_needs_no_setting_and_never_redirects(tmp_path: Path) -> None:
    got = settings_under(tmp_path)
    assert "127.0.0.1" in got["ALLOWED_HOSTS"]
    assert got["SECURE_SSL_REDIRECT"] is False
    assert (got["SESSION_COOKIE_SECURE"], got["CSRF_COOKIE_SECURE"]) == (False, False)
    assert got["SESSION_COOKIE_HTTPONLY"] is True
    assert got["SECURE_HSTS_SECONDS"] == 0
    assert got["SECURE_PROXY_SSL_HEADER"] is None
    assert got["CSRF_TRUSTED_ORIGINS"] == []


def test_an_https_public_url_turns_on_redirects_secure_cookies_hsts_and_the_proxy_header(
    tmp_path: Path,
) -> None:
    got = settings_under(tmp_path, AISC_PUBLIC_URL="https://aisc.example.hk")
    assert "aisc.example.hk" in got["ALLOWED_HOSTS"]
    assert got["CSRF_TRUSTED_ORIGINS"] == ["https://aisc.example.hk"]
    assert got["SECURE_SSL_REDIRECT"] is True
    assert (got["SESSION_COOKIE_SECURE"], got["CSRF_COOKIE_SECURE"]) == (True, True)
    assert got["SECURE_HSTS_SECONDS"] == 31536000
    assert got["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_an_http_public_url_is_trusted_for_forms_but_not_redirected(tmp_path: Path) -> None:
    got = settings_under(tmp_path, AISC_PUBLIC_URL="http://aisc.lan:8080")
    assert got["CSRF_TRUSTED_ORIGINS"] == ["http://aisc.lan:8080"]
    assert "aisc.lan" in got["ALLOWED_HOSTS"]
    assert got["SECURE_SSL_REDIRECT"] is False


def test_the_database_url_query_and_the_connection_age_reach_django(tmp_path: Path) -> None:
    got = settings_under(
        tmp_path,
        AISC_DATABASE_URL="postgresql://aisc@db.hk/aisc?sslmode=verify-full&connect_timeout=5",
        AISC_DB_CONN_MAX_AGE="60",
    )
    assert got["DB"] == {
        # Django's backend with a health check that asks the socket (aisc.web.ops.postgresql).
        "ENGINE": "aisc.web.ops.postgresql",
        # Parameters bound by the server, and repeated statements prepared there (settings.py).
        "OPTIONS": {
            "server_side_binding": True,
            "prepare_threshold": 2,
            "sslmode": "verify-full",
            "connect_timeout": 5,
        },
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


def test_starttls_mail_is_django_email_use_tls_not_ssl(tmp_path: Path) -> None:
    got = settings_under(tmp_path, AISC_EMAIL_URL="smtp+tls://mail.hk")
    assert (got["EMAIL_USE_TLS"], got["EMAIL_USE_SSL"], got["EMAIL_PORT"]) == (True, False, 587)


def test_collected_static_files_switch_templates_to_the_hashed_names(tmp_path: Path) -> None:
    plain = settings_under(tmp_path)["STORAGES"]["staticfiles"]["BACKEND"]
    assert plain == "django.contrib.staticfiles.storage.StaticFilesStorage"
    (tmp_path / "static").mkdir()
    (tmp_path / "static/staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    hashed = settings_under(tmp_path)["STORAGES"]["staticfiles"]["BACKEND"]
    assert hashed == "whitenoise.storage.CompressedManifestStaticFilesStorage"
