"""Resident memory of `aisc serve` (granian, its master and workers) at rest, by worker
count: what each worker costs before any PDF flood (issue 15, "memory of the server stays under
1 GB under the upload and PDF floods").

    python benchmarks/web_memory.py [--workers 1,3,5,9]

A fresh SQLite database with the demo loaded; for each worker count the server starts, every
worker answers a few public pages (so each has loaded what a request loads), and the resident
set of the server's process group is read from /proc (benchmarks/security_probes.py's reader).
Prints one line per count and the cost of one more worker. About two minutes plus the demo.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import httpx
from security_probes import group_rss_bytes
from web_load import AISC, demo_env, machine_line, server

PORT = 18812
PAGES = ("/", "/grantees/", "/accounts/login/")


def resident_mb(env: dict[str, str], workers: int, log: Path) -> float:
    argv = [*AISC, "serve", "--port", str(PORT), "--workers", str(workers)]
    with server(argv, env, PORT, log) as (url, pgid):
        for _ in range(workers * 4):
            for path in PAGES:
                httpx.get(url + path, timeout=30)
        time.sleep(1)
        return group_rss_bytes(pgid) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", default="1,3,5,9")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    work = Path(tempfile.mkdtemp(prefix="aisc-memory-"))
    try:
        env = demo_env(work)
        found = [(n, resident_mb(env, n, work / "server.log")) for n in counts]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(machine_line())
    for n, mb in found:
        print(f"{n} workers: {mb:.0f} MB")
    if len(found) > 1:
        (n0, m0), (n1, m1) = found[0], found[-1]
        each = (m1 - m0) / (n1 - n0)
        print(f"each worker: {each:.1f} MB; the rest: {m0 - each * n0:.0f} MB")


if __name__ == "__main__":
    main()
