"""`aisc serve` in production: granian workers behind one master, the static files collected at
install time and served with hashed names and far-future caching, graceful reloads on HUP, and
the OpenAPI browser served from the installed packages alone."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import aisc
from aisc.devtools.ports import free_port
from tests.cli.test_server import get

AISC = [sys.executable, "-m", "aisc.cli.main"]
pytestmark = pytest.mark.slow


def aisc_env(data_dir: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "AISC_DATA_DIR": str(data_dir),
        "AISC_DATABASE_URL": f"sqlite:///{data_dir}/serve.db",
        **extra,
    }


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with the static files collected, as `make install` leaves it."""
    data_dir = tmp_path_factory.mktemp("served")
    done = subprocess.run(
        [*AISC, "collectstatic"], env=aisc_env(data_dir), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"aisc: static files collected into {data_dir / 'static'}"
    return data_dir


@dataclass
class Served:
    process: subprocess.Popen[str]
    base: str
    notified: socket.socket

    def get(self, path: str) -> tuple[int, bytes]:
        return get(self.base + path)

    def workers(self) -> set[int]:
        listed = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True
        )
        return {int(pid) for pid in listed.stdout.split()}


def wait_listening(process: subprocess.Popen[str], base: str) -> None:
    deadline = time.monotonic() + 90  # start-up on a loaded 2-core machine, not a sleep
    while get_or_none(base + "/healthz") is None:
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            _, err = process.communicate()
            pytest.fail(f"aisc serve never answered: {err}")
        time.sleep(0.2)


def get_or_none(url: str) -> tuple[int, bytes] | None:
    try:
        return get(url)
    except OSError:
        return None


@pytest.fixture(scope="module")
def served(collected: Path) -> Iterator[Served]:
    port = free_port()
    # systemd's side of Type=notify: a datagram socket named by NOTIFY_SOCKET.
    notified = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notified.bind(str(collected / "notify"))
    process = subprocess.Popen(
        [*AISC, "serve", "--port", str(port)],
        env=aisc_env(collected, AISC_WEB_WORKERS="2", NOTIFY_SOCKET=str(collected / "notify")),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_listening(process, base)
        yield Served(process, base, notified)
    finally:
        process.terminate()
        process.communicate(timeout=60)
        notified.close()


def test_serve_runs_as_many_workers_as_asked(served: Served) -> None:
    assert len(served.workers()) == 2
    assert served.get("/healthz")[0] == 200


def test_serve_tells_systemd_it_is_ready(served: Served) -> None:
    served.notified.settimeout(10)
    assert served.notified.recv(100) == b"READY=1"


def test_the_stylesheet_is_served_under_its_hashed_name_with_far_future_caching(
    served: Served, collected: Path
) -> None:
    manifest = json.loads((collected / "static/staticfiles.json").read_text())
    hashed = manifest["paths"]["aisc/site.css"]
    assert re.fullmatch(r"aisc/site\.[0-9a-f]{12}\.css", hashed)
    source = (Path(aisc.__file__).parent / "web/static/aisc/site.css").read_bytes()
    import urllib.request

    with urllib.request.urlopen(f"{served.base}/static/{hashed}", timeout=60) as response:  # noqa: S310
        assert response.status == 200
        assert response.read() == source
        cache = response.headers["Cache-Control"]
    assert "immutable" in cache
    max_age = int(re.search(r"max-age=(\d+)", cache).group(1))  # type: ignore[union-attr]
    assert max_age >= 365 * 24 * 3600
    assert served.get("/static/aisc/missing.css")[0] == 404


def test_the_api_browser_refers_only_to_its_own_host_and_each_asset_loads(served: Served) -> None:
    status, page = served.get("/api/v1/docs")
    assert status == 200
    urls = re.findall(r'(?:src|href)="([^"]+)"', page.decode())
    assert any(u.endswith(".js") for u in urls)
    assert any(u.endswith(".css") for u in urls)
    for url in urls:
        # Same origin: a path on this host, never another host or a protocol-relative URL.
        assert url.startswith("/"), url
        assert not url.startswith("//"), url
        assert served.get(url)[0] == 200, url
    assert b"cdn" not in page.lower()
    status, schema = served.get("/api/v1/openapi.json")
    assert status == 200
    assert json.loads(schema)["info"]["title"] == "aisc API"


def test_a_hangup_replaces_the_workers_and_the_server_keeps_answering(served: Served) -> None:
    before = served.workers()
    served.process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 60
    while True:
        now = served.workers()
        if len(now) == 2 and not now & before:
            break
        assert time.monotonic() < deadline, f"workers {before} still there: {now}"
        time.sleep(0.2)
    wait_listening(served.process, served.base)
    assert served.get("/healthz")[0] == 200


def test_serve_refuses_to_start_before_the_static_files_are_collected(tmp_path: Path) -> None:
    done = subprocess.run(
        [*AISC, "serve", "--port", str(free_port())],
        env=aisc_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr == (
        f"aisc: AISC_STATIC_ROOT: no collected static files in {tmp_path / 'static'}: "
        "run `aisc collectstatic` (make install does)\n"
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("AISC_WEB_WORKERS", "lots"),
        ("AISC_PUBLIC_URL", "aisc.example.hk"),
        ("AISC_DATABASE_URL", "mysql://db/aisc"),
        ("AISC_LOG_FORMAT", "xml"),
    ],
)
def test_a_wrong_setting_stops_start_up_with_one_line_naming_it(
    tmp_path: Path, name: str, value: str
) -> None:
    done = subprocess.run(
        [*AISC, "serve", "--port", str(free_port())],
        env=aisc_env(tmp_path, **{name: value}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.startswith(f"aisc: {name}: ")
    assert done.stderr.count("\n") == 1
