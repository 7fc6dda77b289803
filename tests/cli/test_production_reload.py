"""A reload of `aisc serve` (HUP, systemd's `systemctl reload aisc-web`) under requests: aisc's
granian server replaces a worker only once the new one is ready, so no connection is refused
while a worker takes longer to load than granian's own fixed wait (3.5 s). Here the application
takes 5 s to build; with granian's own respawning, connections were refused for over a second
(under systemd, the booted deployment rehearsal saw it first)."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from aisc.devtools.ports import free_port
from aisc.devtools.rehearsal_systemd import children

SERVER = """
import sys
from pathlib import Path

from aisc.devtools.rehearsal_systemd import children
from granian.constants import HTTPModes, Interfaces
from aisc.cli import production

production.use_ready_folder(Path(sys.argv[2]))
production.Granian(
    "slow_app:factory", address="127.0.0.1", port=int(sys.argv[1]), interface=Interfaces.WSGI,
    http=HTTPModes.http1, websockets=False, workers=1, factory=True, workers_kill_timeout=30,
).serve()
"""
SLOW_APP = """
import time
from aisc.cli import production

def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]

def factory():
    time.sleep(5)  # Django on a busy host; longer than granian's respawn_interval (3.5 s)
    production.mark_ready()
    return application
"""


def get(port: int) -> str:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/")
        status = str(conn.getresponse().status)
        conn.close()
        return status
    except OSError as exc:
        return type(exc).__name__


def test_a_reload_refuses_no_connection_while_the_new_worker_loads(tmp_path: Path) -> None:
    (tmp_path / "slow_app.py").write_text(SLOW_APP)
    port = free_port()
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}:{os.environ.get('PYTHONPATH', '')}"}
    master = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(port), str(tmp_path / "ready")],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while get(port) != "200":
            assert master.poll() is None
            assert time.monotonic() < deadline
            time.sleep(0.2)
        before = children(master.pid)
        outcomes: Counter[str] = Counter()
        done = threading.Event()

        def ask() -> None:
            while not done.is_set():
                outcomes[get(port)] += 1

        asker = threading.Thread(target=ask)
        asker.start()
        master.send_signal(signal.SIGHUP)
        while children(master.pid) & before and time.monotonic() < deadline + 60:
            time.sleep(0.2)
        time.sleep(1)
        done.set()
        asker.join()
        assert not children(master.pid) & before  # the worker was replaced
        assert "ConnectionRefusedError" not in outcomes, outcomes
        # A request racing the old worker's stop may still be dropped: granian closes a
        # connection it accepted but had not read (RemoteDisconnected) and, unless
        # net.ipv4.tcp_migrate_req is 1, resets those queued on its socket (ConnectionResetError).
        # Seen about once in 25,000 requests a reload, under load; a proxy retrying an
        # idempotent request covers it (docs/deploy.md, section 4).
        dropped = sum(n for outcome, n in outcomes.items() if outcome != "200")
        assert set(outcomes) <= {"200", "RemoteDisconnected", "ConnectionResetError"}, outcomes
        assert dropped * 1000 <= outcomes["200"], outcomes
        assert outcomes["200"] > 10
    finally:
        master.terminate()
        master.wait(timeout=60)
