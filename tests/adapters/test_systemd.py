"""READY=1 on systemd's notify socket (aisc.adapters.systemd), as `aisc serve` sends it."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from aisc.adapters.systemd import notify_ready


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
