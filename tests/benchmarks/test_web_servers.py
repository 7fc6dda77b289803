"""benchmarks/web_servers.py and slow_clients.py: each configuration starts the server it names
and answers, the table reports medians and ranges, and the slow-client attack leaves aisc serve
answering (the benchmarks' own figures are in docs/benchmarks.md and docs/security.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.benchmarks.conftest import load_script

servers = load_script("web_servers")
slow = load_script("slow_clients")
web_load = load_script("web_load")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a migrated SQLite installation with the static files collected."""
    data = tmp_path_factory.mktemp("servers")
    env = {
        **os.environ,
        "AISC_DATA_DIR": str(data),
        "AISC_DATABASE_URL": f"sqlite:///{data}/aisc.db",
    }
    for step in (["migrate"], ["collectstatic"]):
        done = subprocess.run(
            [sys.executable, "-m", "aisc.cli.main", *step], env=env, capture_output=True
        )
        assert done.returncode == 0, done.stderr
    return env


@pytest.mark.parametrize("spec", ["gunicorn-sync:1", "gunicorn-gthread:1x2", "granian:1x2"])
def test_each_configuration_starts_the_server_it_names_and_it_answers(
    spec: str, installed: dict[str, str], tmp_path: Path
) -> None:
    port = web_load.free_port()
    log = tmp_path / "server.log"
    with web_load.server(servers.argv_of(spec, port), installed, port, log) as (url, _):
        assert httpx.get(f"{url}/grantees/", timeout=30).status_code == 200
    expected = "Granian" if spec.startswith("granian") else "gunicorn"
    assert expected.lower() in log.read_text().lower()


def test_the_unit_and_the_development_server_are_started_by_aisc_serve() -> None:
    assert servers.argv_of("aisc-serve", 8123)[-3:] == ["serve", "--port", "8123"]
    assert servers.argv_of("dev", 8123)[-4:] == ["serve", "--dev", "--port", "8123"]


def run(rps: float, p95: float) -> dict[str, Any]:
    return {"requests_per_s": rps, "errors": 0, "api": {"p95_ms": p95}}


def test_the_table_gives_each_configuration_its_median_and_range() -> None:
    table = servers.table({"granian:2x4": [run(60, 900), run(80, 1300), run(70, 1000)]})
    header, rule, row = table.splitlines()
    assert header.startswith("| configuration | req/s | errors | API p50 ms | API p95 ms |")
    assert rule.count("|---") == len(servers.FIGURES) + 1
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[:5] == ["granian:2x4", "70 (60-80)", "0 (0-0)", "nan (nan-nan)", "1000 (900-1300)"]


def test_slow_clients_hold_no_thread_of_aisc_serve(
    installed: dict[str, str], tmp_path: Path
) -> None:
    port = web_load.free_port()
    argv = servers.argv_of("aisc-serve", port)
    with web_load.server(argv, installed, port, tmp_path / "server.log") as (url, _):
        for opening in slow.ATTACKS.values():
            # More slow connections than the server has threads (2 cores x 4 at most here).
            answered, slowest, _ = slow.under_attack(url, port, opening, 20)
            assert answered == 40
            assert slowest < 10
