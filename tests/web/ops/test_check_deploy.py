"""`aisc check --deploy`: Django's deployment checks plus aisc's own; exit 0 on a host set up
as docs/deploy.md says, exit 1 naming each problem otherwise."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from aisc.cli.main import app
from aisc.config import EmailConfig

runner = CliRunner()


@pytest.fixture
def deployed(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The settings that AISC_PUBLIC_URL=https://…, an smtp+tls mail URL and a private key
    file give (settings are read once per process, so they are set here as those would)."""
    # The browser tests' conftest allows Django's sync calls under Playwright's event loop; in a
    # run that collects it too, that variable would be a deployment error here (async.E001).
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    key = tmp_path / "secret_key"
    key.write_text("k" + "7Hq2-xZ9_pLm4Rt8Vw1Ny6Bc3Df5Gh0Jk" * 2)
    key.chmod(0o600)
    settings.SECRET_KEY = key.read_text()
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.CONFIG = dataclasses.replace(
        settings.CONFIG,
        email=EmailConfig(backend="smtp", host="localhost", port=587, use_tls=True),
        secret_key_file=key,
    )
    return settings


def check_deploy() -> tuple[int, str]:
    result = runner.invoke(app, ["check", "--deploy"])
    return result.exit_code, result.stdout + result.stderr


@pytest.mark.django_db
def test_a_host_configured_as_documented_passes_with_exit_0(deployed: Any) -> None:
    code, out = check_deploy()
    assert code == 0, out
    assert "System check identified no issues" in out


@pytest.mark.django_db
def test_debug_console_mail_and_plain_cookies_are_each_named(deployed: Any) -> None:
    deployed.DEBUG = True
    deployed.SESSION_COOKIE_SECURE = False
    deployed.CONFIG = dataclasses.replace(deployed.CONFIG, email=EmailConfig(backend="console"))
    code, out = check_deploy()
    assert code == 1
    assert "(aisc.E003) AISC_DEBUG is on" in out
    assert "(aisc.E006) AISC_EMAIL_URL sends mail to console://, not to users" in out
    assert "(security.W012)" in out
    assert "(security.W018)" in out
    assert "aisc: AISC_PUBLIC_URL=https://HOST turns on HSTS" in out


@pytest.mark.django_db
def test_a_secret_key_file_others_can_read_and_a_weak_key_are_named(deployed: Any) -> None:
    deployed.CONFIG.secret_key_file.chmod(0o644)
    deployed.SECRET_KEY = "ab" * 30
    code, out = check_deploy()
    assert code == 1
    assert f"(aisc.E002) the secret key file {deployed.CONFIG.secret_key_file} can be read" in out
    assert "(aisc.E001) the secret key repeats too few characters" in out


@pytest.mark.django_db
def test_a_mail_host_that_does_not_resolve_is_named(deployed: Any) -> None:
    deployed.CONFIG = dataclasses.replace(
        deployed.CONFIG, email=EmailConfig(backend="smtp", host="mail.invalid", port=25)
    )
    code, out = check_deploy()
    assert code == 1
    assert "(aisc.E007) AISC_EMAIL_URL: the mail host 'mail.invalid' cannot be resolved" in out


@pytest.mark.django_db
def test_slurm_that_cannot_be_reached_is_named_when_the_cluster_is_slurm(
    deployed: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deployed.AISC_CLUSTER = "slurm"
    monkeypatch.setenv("PATH", str(tmp_path))  # no Slurm client commands on this host
    code, out = check_deploy()
    assert code == 1
    assert "(aisc.E008) Slurm is unreachable: sinfo is not installed on this machine" in out


def test_a_database_without_the_schema_is_named_with_what_to_run(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "aisc.cli.main", "check", "--deploy"],
        env={
            **os.environ,
            "AISC_DATA_DIR": str(tmp_path),
            "AISC_DATABASE_URL": f"sqlite:///{tmp_path}/empty.db",
        },
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "(aisc.E005) migrations: " in done.stderr
    assert "not applied (contenttypes.0001_initial" in done.stderr
    assert "run aisc migrate" in done.stderr


def test_plain_check_passes_on_the_development_defaults() -> None:
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    assert "System check identified no issues" in result.stdout
