"""systemd's readiness protocol (Type=notify): one datagram to the socket systemd names."""

from __future__ import annotations

import os
import socket


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
