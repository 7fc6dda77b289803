"""`aisc serve`, `aisc migrate` and `aisc createadmin`: the commands that put a centre online."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import aisc
from aisc.cli.main import app
from aisc.devtools.ports import free_port
from aisc.web.accounts.models import Role, User
from aisc.web.audit.models import AuditEvent

runner = CliRunner()
GOOD_PASSWORD = "harbour-lights-2026"


def createadmin(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["createadmin", *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.django_db
def test_createadmin_makes_an_administrator_who_signs_in_with_the_given_password() -> None:
    code, out, err = createadmin("--email", " Boss@Example.HK ", "--password", GOOD_PASSWORD)
    assert (code, err) == (0, "")
    assert out.strip() == "created admin boss@example.hk"
    admin = User.objects.get(email="boss@example.hk")
    assert admin.check_password(GOOD_PASSWORD)
    assert admin.is_staff
    assert admin.is_superuser
    assert list(admin.roles.values_list("code", flat=True)) == [Role.ADMIN]
    event = AuditEvent.objects.get(verb="accounts.user.create")
    assert event.actor_label == "system"
    assert event.after == {"email": "boss@example.hk", "roles": ["admin"], "organisation": None}


@pytest.mark.django_db
def test_createadmin_prompts_for_the_email_and_the_password_twice() -> None:
    code, out, _ = createadmin(stdin=f"ops@example.hk\n{GOOD_PASSWORD}\n{GOOD_PASSWORD}\n")
    assert code == 0
    assert "Repeat for confirmation" in out
    assert out.strip().endswith("created admin ops@example.hk")
    assert User.objects.get(email="ops@example.hk").check_password(GOOD_PASSWORD)


@pytest.mark.django_db
def test_createadmin_asks_again_when_the_two_passwords_differ() -> None:
    typed = f"ops@example.hk\n{GOOD_PASSWORD}\nsomething-else-9\n{GOOD_PASSWORD}\n{GOOD_PASSWORD}\n"
    code, out, _ = createadmin(stdin=typed)
    assert code == 0
    assert "The two entered values do not match." in out
    assert User.objects.get(email="ops@example.hk").check_password(GOOD_PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("boss@example.hk", "short", "aisc: password: This password is too short."),
        ("boss@example.hk", "password1234", "aisc: password: This password is too common."),
        ("not-an-address", GOOD_PASSWORD, "aisc: email: must be a valid e-mail address"),
    ],
)
def test_createadmin_refuses_what_the_portal_would_refuse_naming_the_field(
    email: str, password: str, message: str
) -> None:
    code, out, err = createadmin("--email", email, "--password", password)
    assert code == 2
    assert err.startswith(message)
    assert "created admin" not in out
    assert not User.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_createadmin_refuses_a_taken_email_and_leaves_that_account_as_it_was(
    applicant: User,
) -> None:
    code, _, err = createadmin("--email", "APPLICANT@example.hk", "--password", GOOD_PASSWORD)
    assert code == 2
    assert err.strip() == "aisc: email: a user with this email already exists"
    applicant.refresh_from_db()
    assert not applicant.is_superuser
    assert not applicant.roles.exists()
    assert not applicant.check_password(GOOD_PASSWORD)


@pytest.mark.django_db
def test_migrate_on_an_up_to_date_database_applies_nothing_and_keeps_its_rows(
    applicant: User,
) -> None:
    result = runner.invoke(app, ["migrate"])
    assert result.exit_code == 0, result.output
    assert "No migrations to apply." in result.stdout
    assert User.objects.filter(pk=applicant.pk).exists()
    assert Role.objects.filter(code=Role.ADMIN).exists()


def get(url: str) -> tuple[int, bytes]:
    try:
        # The first request imports every view (seconds on a loaded 2-core machine): a wide bound.
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - a local URL
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Callable[[str], tuple[int, bytes]]]:
    """`aisc serve --dev` in a process of its own on a free port, against an empty SQLite file
    (the pages fetched here need no tables); stopped after the test."""
    port = free_port()
    env = {
        **os.environ,
        "AISC_DATA_DIR": str(tmp_path),
        "AISC_DATABASE_URL": f"sqlite:///{tmp_path}/serve.db",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "aisc.cli.main", "serve", "--dev", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # the autoreloader's child is stopped with its parent
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60  # start-up on a loaded 2-core machine, not a sleep
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    _, err = server.communicate()
                    pytest.fail(f"aisc serve never listened on {port}: {err}")
                time.sleep(0.1)
        yield lambda path: get(base + path)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.communicate(timeout=30)


@pytest.mark.slow
def test_the_development_server_answers_with_the_stylesheet_the_catalogue_and_the_health_check(
    served: Callable[[str], tuple[int, bytes]],
) -> None:
    status, css = served("/static/aisc/site.css")
    assert status == 200
    assert css == (Path(aisc.__file__).parent / "web/static/aisc/site.css").read_bytes()
    status, catalogue = served("/jsi18n/")
    assert status == 200
    assert b"django.gettext" in catalogue
    assert served("/static/aisc/missing.css")[0] == 404
    assert served("/healthz") == (200, b'{"status": "ok"}')  # liveness: no database needed


@pytest.mark.django_db  # each request starts by closing stale database connections
def test_the_wsgi_entry_point_serves_the_portal_under_the_projects_settings() -> None:
    from wsgiref.util import setup_testing_defaults

    from aisc.web.wsgi import application

    environ: dict[str, object] = {"PATH_INFO": "/jsi18n/", "REQUEST_METHOD": "GET"}
    setup_testing_defaults(environ)
    started: list[str] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: object = None
    ) -> Callable[[bytes], object]:
        started.append(status)
        return lambda data: None

    body = b"".join(application(environ, start_response))
    assert started == ["200 OK"]
    assert b"django.gettext" in body
