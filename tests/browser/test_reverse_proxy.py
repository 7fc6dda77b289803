"""nginx in front of the production server, as deploy/ and docs/deploy.md set them up: the site
file deploy/nginx-aisc.conf with only its addresses, certificate and folder paths changed for
this machine (a self-signed certificate made here), nginx in the foreground with its own prefix,
pid and logs in a temporary folder, and `aisc serve` started exactly as deploy/aisc-web.service
starts it, with the public URL https. Also `systemd-analyze verify` of both units.

nginx is Debian's package (scripts/ensure-nginx installs it in `make test`); without it, or
without systemd-analyze, the tests that need them skip and say so."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from aisc.devtools.nginx import HOST, main_config, render_site, self_signed
from aisc.devtools.ports import free_port
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.test_production_server import (
    ROOT,
    Served,
    first_sign_in,
    unit_server,
)

pytestmark = pytest.mark.browser

NGINX = Path(os.environ.get("AISC_NGINX", "/usr/sbin/nginx"))
SITE = ROOT / "deploy/nginx-aisc.conf"
# nginx's `expires 365d` beside the site file's own header; whitenoise (what answers without
# nginx) says ten years in one header, so these prove nginx served the file from disk.
YEAR = "max-age=31536000"
# Not test_production_server's administrator: the database is shared, and this one must still
# set up a second factor when signing in, whichever module ran first.
ADMIN_EMAIL = "proxy-ops@example.hk"


@dataclass(frozen=True)
class Proxied:
    https: int
    http: int
    served: Served
    static: Path

    @property
    def url(self) -> str:
        return f"https://{HOST}:{self.https}"


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def proxied(unit_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxied]:
    if not NGINX.exists():
        pytest.skip(f"{NGINX} is missing: scripts/ensure-nginx installs Debian's nginx")
    folder = tmp_path_factory.mktemp("proxy")
    https, http, upstream = free_port(), free_port(), free_port()
    # The site's /etc/aisc/aisc.env: the public URL is https, so aisc trusts X-Forwarded-Proto,
    # redirects plain http, sends HSTS and marks its cookies Secure.
    site_env = {"AISC_PUBLIC_URL": f"https://{HOST}:{https}"}
    with unit_server(unit_database, folder, upstream, site_env, admin=ADMIN_EMAIL) as served:
        static = Path(served.env["AISC_DATA_DIR"]) / "static"
        cert, key = self_signed(folder)
        site = folder / "aisc.conf"
        site.write_text(
            render_site(
                SITE.read_text(),
                http=http,
                https=https,
                upstream=upstream,
                static=static,
                cert=cert,
                key=key,
            )
        )
        config = folder / "nginx.conf"
        config.write_text(main_config(folder, site))
        argv = [str(NGINX), "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(config)]
        tested = subprocess.run([*argv, "-t"], capture_output=True, text=True)
        assert tested.returncode == 0, tested.stderr
        nginx = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 30
            while not (listening(https) and listening(http)):
                if nginx.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"nginx never listened:\n{(folder / 'error.log').read_text()}")
                time.sleep(0.1)
            yield Proxied(https, http, served, static)
        finally:
            nginx.terminate()
            nginx.wait(timeout=30)


def request(
    proxied: Proxied, method: str, path: str, headers: dict[str, str] | None = None
) -> http.client.HTTPResponse:
    """One request over TLS to nginx, the self-signed certificate taken as it is."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    connection = http.client.HTTPSConnection(HOST, proxied.https, context=context, timeout=30)
    connection.request(method, path, headers=headers or {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_plain_http_is_redirected_to_https_by_nginx(proxied: Proxied) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", proxied.http, timeout=30)
    connection.request("GET", "/grantees/?page=2", headers={"Host": HOST})
    response = connection.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == f"https://{HOST}/grantees/?page=2"


def test_the_hashed_stylesheet_is_served_by_nginx_with_a_year_of_caching(
    proxied: Proxied,
) -> None:
    manifest = json.loads((proxied.static / "staticfiles.json").read_text())
    hashed = manifest["paths"]["aisc/site.css"]
    response = request(proxied, "GET", f"/static/{hashed}")
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/css"
    caching = response.headers.get_all("Cache-Control") or []
    assert YEAR in caching, caching
    assert "public, immutable" in caching, caching
    assert not any("315360000" in c for c in caching), "whitenoise's ten years: not nginx"


def test_a_body_over_the_upload_limit_is_refused_by_nginx_with_413(proxied: Proxied) -> None:
    # 13 MiB announced, over the site file's client_max_body_size 12m: nginx answers on the
    # headers alone, before any of the body is sent or a worker is busy with it.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with (
        socket.create_connection(("127.0.0.1", proxied.https), timeout=30) as raw,
        context.wrap_socket(raw, server_hostname=HOST) as tls,
    ):
        head = (
            f"POST /accounts/login/ HTTP/1.1\r\nHost: {HOST}\r\n"
            f"Content-Type: application/octet-stream\r\nContent-Length: {13 * 2**20}\r\n\r\n"
        )
        tls.sendall(head.encode())
        answer = tls.recv(4096).decode(errors="replace")
    assert answer.startswith("HTTP/1.1 413 "), answer[:200]


def test_django_sees_https_through_the_proxy_and_sets_secure_cookies(proxied: Proxied) -> None:
    through = request(proxied, "GET", "/accounts/login/")
    assert through.status == 200
    # Django sends HSTS only on a request it takes for https: X-Forwarded-Proto was trusted.
    assert through.getheader("Strict-Transport-Security", "").startswith("max-age=")
    cookies = through.headers.get_all("Set-Cookie") or []
    csrf = [c for c in cookies if c.startswith("csrftoken=")]
    assert csrf, cookies
    assert "Secure" in csrf[0], cookies
    # The same request straight to the server, with no proxy to vouch for TLS, is sent to https.
    direct = http.client.HTTPConnection("127.0.0.1", int(proxied.served.env["AISC_PORT"]))
    direct.request("GET", "/accounts/login/", headers={"Host": HOST})
    answer = direct.getresponse()
    assert answer.status == 301
    assert answer.getheader("Location", "").startswith(f"https://{HOST}")


def test_an_admin_signs_in_through_nginx_and_sees_the_dashboard(
    browser: Browser, proxied: Proxied
) -> None:
    context = browser.new_context(ignore_https_errors=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        first_sign_in(page, proxied.url, ADMIN_EMAIL)
        session = [c for c in context.cookies() if c["name"] == "sessionid"]
        assert session, context.cookies()
        assert session[0]["secure"], session
        assert session[0]["httpOnly"], session
    finally:
        context.close()


def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is missing (Debian's systemd package)")
    # verify checks that ExecStart's program exists: the units with this checkout's virtualenv
    # in place of /opt/aisc/.venv, every other line as shipped.
    bin_dir = str(Path(sys.executable).parent) + "/"
    units = []
    for name in ("aisc-web.service", "aisc-worker.service"):
        text = (ROOT / "deploy" / name).read_text()
        assert "/opt/aisc/.venv/bin/" in text
        (tmp_path / name).write_text(text.replace("/opt/aisc/.venv/bin/", bin_dir))
        units.append(str(tmp_path / name))
    done = subprocess.run([analyze, "verify", *units], capture_output=True, text=True)
    # An unknown key or a bad value is only a warning, with exit status 0: none may be printed.
    assert done.returncode == 0, done.stderr
    assert not (done.stdout + done.stderr).strip(), done.stdout + done.stderr
