"""The production server started exactly as deploy/aisc-web.service starts it (its ExecStart and
its Environment= lines, read from the unit file), on PostgreSQL, driven by Chromium: sign in, a
portal page, the stylesheet under its hashed name with far-future caching.

The site's own values (what /etc/aisc/aisc.env holds) and the paths that must differ on a test
machine (data dir, port, key files, the virtualenv) are the only ones given here. PostgreSQL: the
server named by AISC_TEST_POSTGRES_URL (scripts/run-tests' browser stage starts one), in a
database that test_reverse_proxy.py's server shares (conftest's unit_database)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, Response, expect

from aisc.devtools.ports import free_port
from aisc.devtools.units import read_unit
from tests.browser.conftest import set_up_authenticator

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "deploy/aisc-web.service"
INSTALLED_BIN = "/opt/aisc/.venv/bin/"
ADMIN_EMAIL = "ops@example.hk"
ADMIN_PASSWORD = "harbour-lights-2026-unit"


def test_the_unit_file_runs_aisc_serve_hardened_with_json_logs_and_restarts() -> None:
    unit = read_unit(UNIT)
    assert unit.exec_start == [f"{INSTALLED_BIN}aisc", "serve"]
    assert unit.environment["AISC_LOG_FORMAT"] == "json"
    assert unit.environment_files == ["/etc/aisc/aisc.env"]
    text = UNIT.read_text()
    for setting in (
        "User=aisc",
        "Restart=on-failure",
        "ProtectSystem=strict",
        "NoNewPrivileges=yes",
        "PrivateTmp=yes",
        "ExecReload=/bin/sh -c 'kill -HUP $$MAINPID'",
    ):
        assert f"\n{setting}\n" in text, setting
    worker = read_unit(ROOT / "deploy/aisc-worker.service")
    assert worker.exec_start == [f"{INSTALLED_BIN}aisc", "worker"]


@dataclass(frozen=True)
class Served:
    url: str
    log: Path
    env: dict[str, str]


@contextmanager
def unit_server(
    database: str, folder: Path, port: int, site: dict[str, str], admin: str = ADMIN_EMAIL
) -> Iterator[Served]:
    """The server as deploy/aisc-web.service starts it: docs/deploy.md's install steps, then its
    ExecStart with its environment, the test machine's paths and `site` (what /etc/aisc/aisc.env
    would hold) over it, and an administrator `admin`. Yields once /healthz answers on
    127.0.0.1:`port`; stops it afterwards. The database may be one another server migrated."""
    unit = read_unit(UNIT)
    for name in ("secret_key", "audit_anchor_key"):
        (folder / name).write_text(uuid.uuid4().hex + uuid.uuid4().hex)
        (folder / name).chmod(0o600)
    env = {
        # The unit's environment, then what differs on a test machine, then the site's file.
        **{k: v for k, v in os.environ.items() if k in {"PATH", "LANG", "HOME"}},
        **unit.environment,
        "AISC_DATA_DIR": str(folder / "data"),
        "AISC_SECRET_KEY_FILE": str(folder / "secret_key"),
        "AISC_AUDIT_ANCHOR_KEY_FILE": str(folder / "audit_anchor_key"),
        "AISC_PORT": str(port),
        "AISC_WEB_WORKERS": "2",
        "AISC_DATABASE_URL": database,
        "AISC_EMAIL_URL": "memory://",
        **site,
    }
    assert set(unit.environment) <= set(env)
    bin_dir = str(Path(sys.executable).parent) + "/"
    argv = [part.replace(INSTALLED_BIN, bin_dir) for part in unit.exec_start]
    aisc = argv[0]
    # docs/deploy.md's install steps before the first start.
    for step in (["collectstatic"], ["migrate"]):
        done = subprocess.run([aisc, *step], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    done = subprocess.run(
        [aisc, "createadmin", "--email", admin, "--password", ADMIN_PASSWORD],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    log = folder / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90  # start-up on a loaded 2-core machine
        while not answers(f"{url}/healthz"):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the unit's server never answered:\n{log.read_text()}")
            time.sleep(0.2)
        yield Served(url, log, env)
    finally:
        server.terminate()
        server.wait(timeout=60)


@pytest.fixture(scope="module")
def production(unit_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("unit")
    port = free_port()
    # Plain HTTP on loopback: no proxy, no TLS, no setting beyond the public URL.
    with unit_server(
        unit_database, folder, port, {"AISC_PUBLIC_URL": f"http://127.0.0.1:{port}"}
    ) as served:
        yield served


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - a local URL
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def first_sign_in(page: Page, url: str, email: str) -> None:
    """An administrator's first sign-in at `url`: the password, then setting up the second factor
    that comes before anything else (docs/security.md), then the dashboard."""
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/accounts/two-factor/\?next="))
    set_up_authenticator(page)
    page.wait_for_url(f"{url}/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_a_user_signs_in_sees_the_dashboard_and_the_stylesheet_is_cached_for_a_year(
    page: Page, production: Served
) -> None:
    stylesheets: list[Response] = []
    page.on("response", lambda r: stylesheets.append(r) if r.url.endswith(".css") else None)
    first_sign_in(page, production.url, ADMIN_EMAIL)
    (css,) = [r for r in stylesheets if "/static/aisc/site." in r.url][:1]
    assert re.search(r"/static/aisc/site\.[0-9a-f]{12}\.css$", css.url), css.url
    assert css.status == 200
    cache = css.headers["cache-control"]
    assert "immutable" in cache
    assert int(re.search(r"max-age=(\d+)", cache).group(1)) >= 365 * 24 * 3600  # type: ignore[union-attr]
    # The page is styled by it: the site header is laid out as the stylesheet says.
    display = page.evaluate("getComputedStyle(document.querySelector('.site-header .bar')).display")
    assert display == "flex"
    # The unit's JSON logs: one object per request, with the signed-in user's id.
    logged = [
        json.loads(line)
        for line in production.log.read_text().splitlines()
        if line.startswith("{") and '"aisc.request"' in line
    ]
    dashboard = [e for e in logged if e["path"] == "/dashboard/"]
    assert dashboard, logged
    assert dashboard[0]["user_id"] is not None
    assert len(dashboard[0]["request_id"]) == 32
