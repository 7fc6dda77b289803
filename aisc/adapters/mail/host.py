"""Whether the configured mail host's name resolves, for `aisc check --deploy`: the name lookup
is the outside world, so it is asked here rather than in the web app."""

from __future__ import annotations

import socket


def unresolvable(host: str, port: int) -> str | None:
    """Why `host` cannot be resolved for a TCP connection to `port`; None when it can."""
    try:
        socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        return str(exc)
    return None
