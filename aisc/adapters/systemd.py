"""systemd's readiness protocol (Type=notify): one datagram to the socket systemd names."""

from __future__ import annotations

import os
import socket
import threading
import time

# Where to knock when the server listens on every address.
LOOPBACK = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}  # noqa: S104 - names, not binds


def notify_ready() -> None:
    """Send READY=1 to $NOTIFY_SOCKET (a path, or `@name` for an abstract socket); nothing when
    the process does not run under systemd."""
    address = os.environ.get("NOTIFY_SOCKET", "")
    if not address:
        return
    if address.startswith("@"):
        address = "\0" + address[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.connect(address)
        sock.sendall(b"READY=1")


def accepts(host: str, port: int) -> bool:
    try:
        with socket.create_connection((LOOPBACK.get(host, host), port), timeout=1):
            return True
    except OSError:
        return False


def notify_ready_once_listening(
    host: str, port: int, within: float = 600.0
) -> threading.Thread | None:
    """READY=1 once host:port accepts connections, from a thread of its own (started here and
    returned; none outside systemd). A server whose socket is bound but not yet listening
    refuses connections: systemd must not call it started before then. Nothing is sent if it
    never listens within `within` seconds: systemd's own start timeout then fails the unit."""
    if not os.environ.get("NOTIFY_SOCKET"):
        return None

    def wait() -> None:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if accepts(host, port):
                notify_ready()
                return
            time.sleep(0.1)

    thread = threading.Thread(target=wait, name="aisc-notify-ready", daemon=True)
    thread.start()
    return thread
