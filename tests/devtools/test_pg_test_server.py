"""scripts/pg-test-server: a default port no outgoing connection is handed, and a clear refusal
when the port it is asked for is taken (before anything is installed or started)."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "pg-test-server"
# Linux's net.ipv4.ip_local_port_range by default: the ports outgoing connections get.
EPHEMERAL = range(32768, 61000)


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AISC_PG_")}
    return subprocess.run(
        ["bash", str(SCRIPT), *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_its_default_port_lies_below_the_range_outgoing_connections_are_given() -> None:
    url = run("url").stdout.strip()
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    assert port not in EPHEMERAL
    assert port > 1024


def test_up_refuses_a_taken_port_naming_it(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        answer = run("up", AISC_PG_PORT=str(port), AISC_PG_DIR=str(tmp_path / "pg"))
    assert answer.returncode == 1
    assert f"port {port} on 127.0.0.1 is taken" in answer.stderr
    assert "AISC_PG_PORT" in answer.stderr
    assert answer.stdout == ""
    assert not (tmp_path / "pg").exists()
