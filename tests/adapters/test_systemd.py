"""READY=1 on systemd's notify socket (aisc.adapters.systemd), as `aisc serve` sends it."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from aisc.adapters.systemd import notify_ready, notify_ready_once_listening


@pytest.fixture
def notified(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[socket.socket]:
    """systemd's side: a datagram socket named by NOTIFY_SOCKET, waiting at most a second."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
        listener.bind(str(tmp_path / "notify"))
        listener.settimeout(1)
        monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "notify"))
        yield listener


@pytest.fixture
def bound() -> Iterator[socket.socket]:
    """A TCP socket bound but not listening, as granian's is until a worker is up."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        yield server


def test_ready_is_sent_on_systemds_notify_socket(notified: socket.socket) -> None:
    notify_ready()
    assert notified.recv(100) == b"READY=1"


def test_ready_reaches_an_abstract_notify_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    name = f"aisc-test-notify-{id(monkeypatch)}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
        listener.bind("\0" + name)
        monkeypatch.setenv("NOTIFY_SOCKET", "@" + name)
        notify_ready()
        assert listener.recv(100) == b"READY=1"


def test_ready_waits_until_the_port_accepts_connections(
    notified: socket.socket, bound: socket.socket
) -> None:
    waiting = notify_ready_once_listening("0.0.0.0", bound.getsockname()[1])  # noqa: S104
    assert waiting is not None
    with pytest.raises(TimeoutError):
        notified.recv(100)
    bound.listen()
    assert notified.recv(100) == b"READY=1"
    waiting.join(timeout=10)
    assert not waiting.is_alive()


def test_nothing_is_sent_for_a_port_that_never_listens(
    notified: socket.socket, bound: socket.socket
) -> None:
    waiting = notify_ready_once_listening("127.0.0.1", bound.getsockname()[1], within=0.5)
    assert waiting is not None
    waiting.join(5)
    with pytest.raises(TimeoutError):
        notified.recv(100)


def test_outside_systemd_no_thread_is_started(
    monkeypatch: pytest.MonkeyPatch, bound: socket.socket
) -> None:
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert notify_ready_once_listening("127.0.0.1", bound.getsockname()[1]) is None
