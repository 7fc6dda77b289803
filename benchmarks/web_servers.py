"""WSGI servers side by side under web_load's mix (issue 14: "gunicorn, or granian if you
measure it better"): gunicorn's sync and threaded workers and granian, each at several worker
counts, and the development server, alternated round after round on one database so that every
configuration sees the same minutes of the machine.

    python benchmarks/web_servers.py [--servers gunicorn-sync:5,granian:2x4,dev,...]
                                     [--rounds 2] [--seconds 60] [--clients 50]

A configuration is KIND:WORKERS[xTHREADS]: `gunicorn-sync:5` (what `aisc serve` ran before
granian), `gunicorn-gthread:3x4` (threads per worker), `granian:2x4` (`aisc serve`'s granian
with that many workers and threads each), `aisc-serve` (`aisc serve` with its defaults, as the
unit runs it), `dev` (`aisc serve --dev`). Each worker, whichever the server, is prepared as
`aisc serve` prepares its own (URL tables built, the loaded objects frozen out of the collector)
and writes its metrics to a folder of its own. Each run is web_load.py's measurement:
wrk's closed-loop clients, every answer must be 200, CPU per request from /proc, and here also
the resident memory of the server's processes after the run. The order of the configurations
turns by one each round. Prints one JSON object per run as it ends, then a table of the medians.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from web_load import AISC, machine_line, measure, postgres, prepare

from aisc.devtools.ports import free_port

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = "gunicorn-sync:5,granian:2x4,gunicorn-gthread:5x4,granian:3x4,dev,granian:5x4,granian:2x8"


def gunicorn_worker_ready(worker: Any) -> None:
    from aisc.cli import production

    production.worker_ready()


def gunicorn(spec: str, port: int) -> None:
    """gunicorn as `aisc serve` ran it until granian replaced it (sync workers, the same worker
    preparation, no access log), with `gthread` and threads when the configuration asks."""
    from gunicorn.app.base import BaseApplication

    kind, _, shape = spec.partition(":")
    workers, _, threads = shape.partition("x")
    options: dict[str, Any] = {
        "bind": f"127.0.0.1:{port}",
        "workers": int(workers),
        "worker_class": kind.removeprefix("gunicorn-"),
        "threads": int(threads or 1),
        "graceful_timeout": 30,
        "timeout": 120,
        "accesslog": None,
        "errorlog": "-",
        "control_socket_disable": True,
        "post_worker_init": gunicorn_worker_ready,
    }

    class Gunicorn(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from aisc.web.wsgi import application

            return application

    Gunicorn().run()


def launch(spec: str, port: int) -> None:
    """Run one configuration in this process (the measured server's master)."""
    from aisc.cli import boot, production

    cfg = boot.config()
    if spec.startswith("gunicorn-"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="aisc-metrics-")
        gunicorn(spec, port)
        return
    workers, _, threads = spec.partition(":")[2].partition("x")
    production.THREADS = int(threads or production.THREADS)
    production.run(cfg, "127.0.0.1", port, int(workers))


def argv_of(spec: str, port: int) -> list[str]:
    if spec == "dev":
        return [*AISC, "serve", "--dev", "--port", str(port)]
    if spec == "aisc-serve":
        # Exactly what the systemd unit runs, with its defaults.
        return [*AISC, "serve", "--port", str(port)]
    return [sys.executable, str(Path(__file__)), "--launch", spec, "--port", str(port)]


FIGURES = (
    ("requests_per_s", "req/s"),
    ("errors", "errors"),
    ("api.p50_ms", "API p50 ms"),
    ("api.p95_ms", "API p95 ms"),
    ("api.p99_ms", "API p99 ms"),
    ("server_cpu_ms_per_request", "server CPU ms/req"),
    ("postgres_cpu_ms_per_request", "PostgreSQL CPU ms/req"),
    ("rss_mb", "RSS MB (all)"),
    ("largest_process_rss_mb", "largest process MB"),
    ("load_average_before", "load before"),
)


def figure(run: dict[str, Any], key: str) -> float:
    value: Any = run
    for part in key.split("."):
        value = value.get(part, float("nan"))
    return float(value)


def table(found: dict[str, list[dict[str, Any]]]) -> str:
    """Markdown: one row per configuration, the median of its rounds (the range when it ran
    more than once)."""
    lines = [
        "| configuration | " + " | ".join(label for _, label in FIGURES) + " |",
        "|---" * (len(FIGURES) + 1) + "|",
    ]
    for spec, runs in found.items():
        cells = []
        for key, _ in FIGURES:
            values = [figure(r, key) for r in runs]
            median = statistics.median(values)
            spread = f" ({min(values):g}-{max(values):g})" if len(values) > 1 else ""
            cells.append(f"{median:g}{spread}")
        lines.append(f"| {spec} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--servers", default=DEFAULT)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--launch", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.launch:
        launch(args.launch, args.port)
        return
    specs = args.servers.split(",")
    options = SimpleNamespace(client="wrk", clients=args.clients, seconds=args.seconds)
    found: dict[str, list[dict[str, Any]]] = {spec: [] for spec in specs}
    work = Path(tempfile.mkdtemp(prefix="aisc-bench-servers-"))
    try:
        with postgres() as database:
            env, facts = prepare(database, work, args.clients)
            for turn in range(args.rounds):
                for spec in specs[turn % len(specs) :] + specs[: turn % len(specs)]:
                    port = free_port()
                    name = spec.replace(":", "-")
                    result = measure(name, argv_of(spec, port), env, facts, options, work)
                    found[spec].append(result)
                    print(json.dumps({"round": turn + 1, "server": spec, **result}), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(machine_line(f"{args.clients} clients, {args.seconds:g} s a run"))
    print(table(found))


if __name__ == "__main__":
    main()
