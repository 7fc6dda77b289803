"""Web load benchmark: N concurrent clients for S seconds against `aisc serve` (granian) on
PostgreSQL, then the same against the development server (`aisc serve --dev`), in one run.

    python benchmarks/web_load.py [--clients 50] [--seconds 60] [--workers N] [--no-dev]
                                  [--client wrk|python]

Each client is a closed loop (the next request leaves when the last answer is read, no think
time) over a fixed mix: the read API (applications, allocations, a billing month's statements,
a statement, a project's usage), the public grantee list and the heaviest portal pages of a
signed-in administrator who has passed the second factor. Every request must answer 200: a
redirect (to the sign-in or the code form) is an error. The demo centre (`aisc demo load`) is
the data. PostgreSQL: scripts/pg-test-server (AISC_PG_PORT, AISC_PG_DIR), started here when it is
not running. Prints one JSON object: per server, requests/s, errors, and p50/p95/p99 latency per
kind of request.

The load generator runs on the same machine as the server. By default it is wrk (C, Debian's
`wrk` package; benchmarks/web_load.lua picks the requests and times each kind), one thread per
client, so that the clients take little of the CPU the server is measured on; `--client python`
is the earlier generator (httpx + asyncio in several processes), about 3 ms of CPU a request.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from aisc.devtools.databases import scratch_database
from aisc.devtools.ports import free_port

ROOT = Path(__file__).resolve().parents[1]
AISC = [sys.executable, "-m", "aisc.cli.main"]

# Run inside the demo's database: an administrator's API token and session, and the names of
# the objects the mix reads.
PREPARE = """
import json
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from aisc.web.accounts.actions import do_create_api_token
from aisc.web.accounts.models import User
from aisc.web.billing.models import BillingPeriod, Statement
from aisc.web.allocations.models import Allocation
admin = User.objects.filter(is_superuser=True).order_by("id").first()
# One token per client, as many scripts would hold: the API's rate limit is per token.
issued = [do_create_api_token(acting_user=admin, name=f"load {i}", days=2) for i in range(CLIENTS)]
session = SessionStore()
session[SESSION_KEY] = str(admin.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = admin.get_session_auth_hash()
# An administrator must pass a second factor: without it every portal page is a redirect to the
# code form. The session is one that has passed it, as after typing the authenticator's code.
device = TOTPDevice.objects.create(user=admin, name="authenticator", confirmed=True)
session[DEVICE_ID_SESSION_KEY] = device.persistent_id
session.create()
statement = Statement.objects.order_by("-gpu_seconds").first()
print(json.dumps({
    "tokens": [t.secret for t in issued],
    "session": session.session_key,
    "month": statement.period.month,
    "statement": statement.pk,
    "project": statement.project_code,
    "allocation": Allocation.objects.order_by("id").first().project_code,
}))
"""


def mix(facts: dict[str, Any]) -> list[tuple[str, str]]:
    """(kind, path): kind "api" (bearer token), "public" (anonymous) or "portal" (session)."""
    return [
        ("api", "/api/v1/grants/applications"),
        ("api", "/api/v1/allocations"),
        ("api", f"/api/v1/billing/periods/{facts['month']}"),
        ("api", f"/api/v1/billing/statements/{facts['statement']}"),
        ("api", f"/api/v1/billing/usage/{facts['project']}"),
        ("api", "/api/v1/grants/applications"),
        ("api", "/api/v1/allocations"),
        ("api", f"/api/v1/billing/usage/{facts['project']}"),
        # The grantee list's API is left out: anonymous callers get 60 a minute per address
        # (AISC_RATES), which one load generator would spend in seconds.
        ("public", "/grantees/"),
        ("public", "/grantees/"),
        ("portal", "/dashboard/"),
        ("portal", "/billing/statements/"),
        ("portal", f"/billing/statements/{facts['statement']}/"),
        ("portal", f"/allocations/{facts['allocation']}/"),
        ("portal", "/cluster/"),
    ]


def run(argv: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr}")
    return done.stdout


@contextmanager
def postgres() -> Iterator[str]:
    """A database of its own on the test PostgreSQL server (started here when it is not running,
    and stopped again), dropped afterwards."""
    env = {**os.environ}
    running = subprocess.run(
        ["bash", "scripts/pg-test-server", "status"], cwd=ROOT, capture_output=True, env=env
    )
    server = run(["bash", "scripts/pg-test-server", "up"], env).strip()
    try:
        with scratch_database(server, "aisc_bench") as database:
            yield database
    finally:
        if running.returncode != 0:
            run(["bash", "scripts/pg-test-server", "down"], env)


def demo_env(work: Path, database: str = "", **extra: str) -> dict[str, str]:
    """The environment of a fresh installation under `work` (SQLite in work/data unless
    `database` names another), migrated, with the demo loaded and the static files collected."""
    env = {
        **os.environ,
        "AISC_DATA_DIR": str(work / "data"),
        "AISC_SECRET_KEY": "b" * 50,
        "AISC_AUDIT_ANCHOR_KEY": "c" * 50,
        "AISC_LOG_FORMAT": "json",
        **extra,
    }
    env.pop("AISC_DATABASE_URL", None)
    if database:
        env["AISC_DATABASE_URL"] = database
    for step in (["migrate"], ["demo", "load"], ["collectstatic"]):
        run([*AISC, *step], env)
    return env


def machine_line(*what: str) -> str:
    """When and where a benchmark ran, and the machine's load then."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return ", ".join(
        [
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
            f"{platform.node()} ({os.cpu_count()} CPUs)",
            *what,
            f"load average {load}",
        ]
    )


@contextmanager
def server(argv: list[str], env: dict[str, str], port: int, log: Path) -> Iterator[tuple[str, int]]:
    with log.open("w") as out:
        process = subprocess.Popen(
            argv, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{' '.join(argv)} never answered:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield url, process.pid
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=60)


async def load(
    url: str, facts: dict[str, Any], clients: int, seconds: float, first: int = 0
) -> list[tuple[str, str, int, float]]:
    """(kind, path, status or 0 for a transport error, seconds) per request."""
    requests = mix(facts)
    public: dict[str, str] = {}
    portal = {"Cookie": f"sessionid={facts['session']}"}
    results: list[tuple[str, str, int, float]] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
        end = time.perf_counter() + seconds

        async def one_client(seed: int) -> None:
            order = random.Random(seed)
            api = {"Authorization": f"Bearer {facts['tokens'][seed % len(facts['tokens'])]}"}
            headers = {"api": api, "public": public, "portal": portal}
            while time.perf_counter() < end:
                kind, path = order.choice(requests)
                started = time.perf_counter()
                try:
                    response = await client.get(path, headers=headers[kind])
                    await response.aread()
                    status = response.status_code
                except httpx.HTTPError:
                    status = 0
                results.append((kind, path, status, time.perf_counter() - started))

        await asyncio.gather(*(one_client(seed) for seed in range(first, first + clients)))
    return results


def load_process(
    url: str, facts: dict[str, Any], clients: int, seconds: float, first: int
) -> tuple[list[tuple[str, str, int, float]], float]:
    """One load-generating process: its results and the CPU it used."""
    started = time.process_time()
    results = asyncio.run(load(url, facts, clients, seconds, first))
    return results, time.process_time() - started


def load_in_processes(
    url: str, facts: dict[str, Any], clients: int, seconds: float, processes: int
) -> tuple[list[tuple[str, str, int, float]], float]:
    """The clients spread over several processes: on a machine shared by many processes, one
    Python process gets one share of a core, and would measure itself rather than the server."""
    from concurrent.futures import ProcessPoolExecutor

    shares = [clients // processes + (i < clients % processes) for i in range(processes)]
    firsts = [sum(shares[:i]) for i in range(processes)]
    with ProcessPoolExecutor(processes) as pool:
        futures = [
            pool.submit(load_process, url, facts, n, seconds, f)
            for n, f in zip(shares, firsts, strict=True)
        ]
        done = [future.result() for future in futures]
    return [r for results, _ in done for r in results], sum(cpu for _, cpu in done)


def load_wrk(
    url: str, facts: dict[str, Any], clients: int, seconds: float, work: Path
) -> tuple[list[tuple[str, str, int, float]], float]:
    """The clients as wrk threads (one connection each): the results and wrk's CPU."""
    requests = mix(facts)
    headers = {
        "api": ("Authorization", "Bearer {token}"),
        # wrk's format needs one header a line; this one asks nothing of the server.
        "public": ("Accept", "text/html"),
        "portal": ("Cookie", f"sessionid={facts['session']}"),
    }
    (work / "mix.tsv").write_text(
        "".join(
            f"{kind}\t{path}\t{headers[kind][0]}\t{headers[kind][1]}\n" for kind, path in requests
        )
    )
    (work / "tokens.txt").write_text("\n".join(facts["tokens"]) + "\n")
    env = {
        **os.environ,
        "WEB_LOAD_MIX": str(work / "mix.tsv"),
        "WEB_LOAD_TOKENS": str(work / "tokens.txt"),
    }
    argv = ["wrk", f"-t{clients}", f"-c{clients}", f"-d{seconds:g}s", "--timeout", "30s"]
    argv += ["-s", str(ROOT / "benchmarks/web_load.lua"), url]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = run(argv, env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    results: list[tuple[str, str, int, float]] = []
    for line in out.splitlines():
        if line.startswith("WEB_LOAD "):
            for index, status, micros in json.loads(line.removeprefix("WEB_LOAD ")):
                kind, path = requests[index - 1]
                results.append((kind, path, status, micros / 1e6))
        elif line.startswith("WEB_LOAD_ERRORS "):
            # Connection, read, write errors and timeouts: requests that got no answer.
            lost = sum(int(n) for n in line.split()[1:])
            results.extend([("api", "(no answer)", 0, 30.0)] * lost)
    return results, cpu


def percentiles(values: list[float]) -> dict[str, float]:
    if len(values) < 2:
        return {}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {
        "p50_ms": round(cuts[49] * 1000, 1),
        "p95_ms": round(cuts[94] * 1000, 1),
        "p99_ms": round(cuts[98] * 1000, 1),
    }


def summary(results: list[tuple[str, str, int, float]], seconds: float) -> dict[str, Any]:
    errors = [(k, p, s) for k, p, s, _ in results if s != 200]
    out: dict[str, Any] = {
        "requests": len(results),
        "requests_per_s": round(len(results) / seconds, 1),
        "errors": len(errors),
        "error_examples": sorted({f"{s} {p}" for _, p, s in errors})[:5],
    }
    for kind in ("api", "public", "portal"):
        out[kind] = {
            "requests": sum(1 for k, *_ in results if k == kind),
            **percentiles([t for k, _, _, t in results if k == kind]),
        }
    out["all"] = percentiles([t for *_, t in results])
    slowest: dict[str, list[float]] = {}
    for _, path, _, t in results:
        slowest.setdefault(path, []).append(t)
    out["median_ms_by_path"] = {
        p: round(statistics.median(ts) * 1000, 1)
        for p, ts in sorted(slowest.items(), key=lambda x: -statistics.median(x[1]))
    }
    return out


def group_cpu_seconds(pgid: int) -> float:
    """User + system CPU of the live processes of a process group (the server and its workers)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after the name: state, ppid, pgrp, ...
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def group_rss(pgid: int) -> dict[int, int]:
    """Resident memory in bytes of each live process of a process group (the server's master,
    its workers and their children), by process id."""
    found = {}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if int((proc / "stat").read_text().rsplit(")", 1)[1].split()[2]) != pgid:
                continue
            status = (proc / "status").read_text()
        except (OSError, ValueError, IndexError):
            continue
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        found[int(proc.name)] = int(match.group(1)) * 1024 if match else 0
    return found


def postgres_cpu_seconds() -> float:
    """CPU of the test PostgreSQL: the postmaster, its live backends, and the backends it has
    reaped (a closed connection's CPU lands in the postmaster's children's times)."""
    folder = os.environ.get("AISC_PG_DIR", "/tmp/aisc-pg-test")  # noqa: S108 - the script's default
    data = Path(folder) / "data/postmaster.pid"
    postmaster = int(data.read_text().split()[0])
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            pid = int(stat.parent.name)
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, ValueError):
            continue
        if pid == postmaster:
            total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
        elif int(fields[1]) == postmaster:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def measure(
    name: str, argv: list[str], env: dict[str, str], facts: dict[str, Any], args: Any, work: Path
) -> dict[str, Any]:
    port = int(argv[argv.index("--port") + 1])
    with server(argv, env, port, work / f"{name}.log") as (url, pgid):
        # A few seconds first: imports, template compilation, connections in every worker.
        asyncio.run(load(url, facts, 4, 5.0))
        load_before = os.getloadavg()[0]
        server_cpu = group_cpu_seconds(pgid)
        database_cpu = postgres_cpu_seconds()
        if args.client == "wrk":
            results, client_cpu = load_wrk(url, facts, args.clients, args.seconds, work)
        else:
            results, client_cpu = load_in_processes(
                url, facts, args.clients, args.seconds, args.client_processes
            )
        server_cpu = group_cpu_seconds(pgid) - server_cpu
        database_cpu = postgres_cpu_seconds() - database_cpu
        resident = group_rss(pgid)
    return {
        **summary(results, args.seconds),
        # What each request cost the server's processes and the load generator, in CPU time:
        # the figure that does not depend on how busy the machine's other tenants are.
        "server_cpu_ms_per_request": round(server_cpu * 1000 / max(len(results), 1), 1),
        "postgres_cpu_ms_per_request": round(database_cpu * 1000 / max(len(results), 1), 1),
        "client_cpu_ms_per_request": round(client_cpu * 1000 / max(len(results), 1), 1),
        # After the run: all the server's processes together, and the largest (a worker).
        "processes": len(resident),
        "rss_mb": round(sum(resident.values()) / 2**20),
        "largest_process_rss_mb": round(max(resident.values(), default=0) / 2**20),
        "load_average_before": round(load_before, 1),
        "load_average_after": round(os.getloadavg()[0], 1),
    }


def prepare(database: str, work: Path, clients: int) -> tuple[dict[str, str], dict[str, Any]]:
    """The server's environment on `database` with the demo centre loaded and the static files
    collected, and the facts the mix needs (tokens, session, the objects it reads)."""
    env = {
        **os.environ,
        "AISC_DATABASE_URL": database,
        "AISC_DATA_DIR": str(work / "data"),
        "AISC_SECRET_KEY": "b" * 50,
        "AISC_AUDIT_ANCHOR_KEY": "c" * 50,
        "AISC_EMAIL_URL": "memory://",
        # As deploy/aisc-web.service runs it.
        "AISC_LOG_FORMAT": "json",
        "AISC_DB_CONN_MAX_AGE": "60",
    }
    for step in (["migrate"], ["demo", "load"], ["collectstatic"]):
        run([*AISC, *step], env)
    script = f"import django\ndjango.setup()\nCLIENTS = {clients}\n{PREPARE}"
    prepared = run(
        [sys.executable, "-c", script], {**env, "DJANGO_SETTINGS_MODULE": "aisc.web.settings"}
    )
    return env, json.loads(prepared.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=0, help="aisc serve workers (0: default)")
    parser.add_argument("--no-dev", action="store_true", help="skip the development server")
    parser.add_argument(
        "--client",
        choices=("wrk", "python"),
        default="wrk",
        help="load generator: wrk (C, Debian's wrk package) or httpx + asyncio",
    )
    parser.add_argument(
        "--client-processes", type=int, default=4, help="with --client python: processes"
    )
    args = parser.parse_args()
    if args.client == "wrk" and shutil.which("wrk") is None:
        raise SystemExit(
            "web_load: wrk is not installed (apt-get install wrk) or use --client python"
        )
    work = Path(tempfile.mkdtemp(prefix="aisc-bench-web-"))
    with postgres() as database:
        env, facts = prepare(database, work, args.clients)
        workers = ["--workers", str(args.workers)] if args.workers else []
        report: dict[str, Any] = {
            "clients": args.clients,
            "client": args.client,
            **({"client_processes": args.client_processes} if args.client == "python" else {}),
            "seconds": args.seconds,
            "aisc_serve": measure(
                "aisc-serve",
                [*AISC, "serve", "--port", str(free_port()), *workers],
                env,
                facts,
                args,
                work,
            ),
        }
        if not args.no_dev:
            report["dev_server"] = measure(
                "dev", [*AISC, "serve", "--dev", "--port", str(free_port())], env, facts, args, work
            )
            report["requests_per_s_ratio"] = round(
                report["aisc_serve"]["requests_per_s"]
                / max(report["dev_server"]["requests_per_s"], 0.1),
                2,
            )
    report["machine"] = (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
