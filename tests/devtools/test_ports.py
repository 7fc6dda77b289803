"""free_port: the one helper the tests, benchmarks and the rehearsal take a server's port from."""

from __future__ import annotations

import socket

from aisc.devtools.ports import free_port


def test_free_port_gives_a_loopback_port_a_server_can_listen_on() -> None:
    port = free_port()
    assert 1024 <= port <= 65535
    with socket.socket() as server:
        server.bind(("127.0.0.1", port))
        server.listen()
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
