"""Slow clients straight at `aisc serve`, with no proxy in front (issue 14/15: what a slowloris
does to the server when nginx is missing or bypassed): many connections that send half a
request and wait, then ordinary requests timed while they hold on.

    python benchmarks/slow_clients.py [--servers aisc-serve,gunicorn-sync:2] [--slow 200]

A fresh SQLite database with the demo (web_load.demo_env). For each server configuration
(benchmarks/web_servers.py's names; `aisc-serve` is the unit's command with its defaults):
`--slow` connections send a request line and one header and nothing more (slow headers), a
second set sends a POST's headers announcing a 1 MB body and 10 bytes of it (slow bodies), then
20 GETs of /healthz and 20 of /grantees/ are sent one after another with a 10 s timeout each
(three timeouts in a row end the attempt). Prints, per server and attack, how many of the 40
were answered 200 and the slowest answer.
nginx in front (deploy/nginx-aisc.conf) reads whole requests before it passes them on, so
behind it neither attack reaches the server; this measures the server without it.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import httpx
from web_load import demo_env, machine_line, server
from web_servers import argv_of

from aisc.devtools.ports import free_port

ATTACKS = {
    "slow headers": b"GET /grantees/ HTTP/1.1\r\nHost: 127.0.0.1\r\n",
    "slow bodies": (
        b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000000\r\n\r\n"
        b"email=a%40b"
    ),
}


def ordinary_requests(url: str) -> tuple[int, float]:
    """40 GETs one after another: how many answered 200, and the slowest in seconds (10 for one
    that got no answer)."""
    answered, slowest, missed = 0, 0.0, 0
    with httpx.Client(base_url=url, timeout=10) as client:
        for path in ["/healthz"] * 20 + ["/grantees/"] * 20:
            started = time.perf_counter()
            try:
                answered += client.get(path).status_code == 200
                slowest, missed = max(slowest, time.perf_counter() - started), 0
            except httpx.HTTPError:
                slowest, missed = 10.0, missed + 1
                if missed == 3:  # the server is held: the rest would wait as long
                    break
    return answered, slowest


def under_attack(url: str, port: int, opening: bytes, count: int) -> tuple[int, float, int]:
    """The ordinary requests while `count` connections hold `opening` sent; also how many of
    those connections the server had closed by the end."""
    with ExitStack() as stack:
        held = []
        for _ in range(count):
            sock = stack.enter_context(socket.create_connection(("127.0.0.1", port), timeout=10))
            sock.sendall(opening)
            held.append(sock)
        time.sleep(1)
        answered, slowest = ordinary_requests(url)
        closed = 0
        for sock in held:
            sock.setblocking(False)
            try:
                closed += sock.recv(1) == b""
            except BlockingIOError:
                pass
            except OSError:
                closed += 1
    return answered, slowest, closed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--servers", default="aisc-serve,gunicorn-sync:2")
    parser.add_argument("--slow", type=int, default=200, help="slow connections per attack")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="aisc-slow-"))
    rows = []
    try:
        env = demo_env(work)
        for spec in args.servers.split(","):
            port = free_port()
            with server(argv_of(spec, port), env, port, work / "server.log") as (url, _):
                answered, slowest = ordinary_requests(url)
                rows.append((spec, "none", answered, slowest, 0))
                for attack, opening in ATTACKS.items():
                    rows.append((spec, attack, *under_attack(url, port, opening, args.slow)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(machine_line(f"{args.slow} slow connections an attack"))
    print("| server | attack | GETs answered 200 (of 40) | slowest | slow connections closed |")
    print("|---|---|---|---|---|")
    for spec, attack, answered, slowest, closed in rows:
        print(f"| {spec} | {attack} | {answered} | {slowest:.2f} s | {closed} |")


if __name__ == "__main__":
    main()
