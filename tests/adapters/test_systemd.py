"""READY=1 on systemd's notify socket (aisc.adapters.systemd), as `aisc serve` sends it."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from aisc.adapters.systemd import notify_ready, notify_ready_once_listening


def test_ready_is_sent_on_systemds_notify_socket(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "notify"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
        listener.bind(str(path))
        monkeypatch.setenv("NOTIFY_SOCKET", str(path))
        notify_ready()
        assert listener.recv(100) == b"READY=1"


def test_ready_reaches_an_abstract_notify_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    name = f"aisc-test-notify-{id(monkeypatch)}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
        listener.bind("\0" + name)
        monkeypatch.setenv("NOTIFY_SOCKET", "@" + name)
        notify_ready()
        assert listener.recv(100) == b"READY=1"


def test_ready_waits_until_the_port_accepts_connections(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "notify"
    with (
        socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as notified,
        socket.socket() as server,
    ):
        notified.bind(str(path))
        notified.settimeout(1)
        monkeypatch.setenv("NOTIFY_SOCKET", str(path))
        # Bound but not listening, as granian's socket is until a worker is up.
        server.bind(("127.0.0.1", 0))
        waiting = notify_ready_once_listening("0.0.0.0", server.getsockname()[1])  # noqa: S104
        with pytest.raises(TimeoutError):
            notified.recv(100)
        server.listen()
        assert notified.recv(100) == b"READY=1"
        waiting.join(timeout=10)
        assert not waiting.is_alive()


def test_nothing_is_sent_for_a_port_that_never_listens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "notify"
    with (
        socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as notified,
        socket.socket() as server,
    ):
        notified.bind(str(path))
        notified.settimeout(0.5)
        monkeypatch.setenv("NOTIFY_SOCKET", str(path))
        server.bind(("127.0.0.1", 0))
        notify_ready_once_listening("127.0.0.1", server.getsockname()[1], within=0.5).join(5)
        with pytest.raises(TimeoutError):
            notified.recv(100)
