"""`aisc serve`: gunicorn, a pre-forking WSGI server, run in this process.

The master process reads only the configuration (so a wrong value stops start-up with one line)
and never imports Django: each worker sets Django up after the fork, so `kill -HUP` (systemd's
reload) replaces the workers gracefully with ones that read the collected static files and the
code afresh, while requests in flight finish. SIGTERM stops after the requests in flight.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any

from gunicorn.app.base import BaseApplication

from aisc.config import Config

# Seconds a worker has to finish its requests after HUP or TERM, and the most one request may
# take before the master replaces its worker (a statement PDF of a large organisation is the
# slowest page).
GRACEFUL_SECONDS = 30
REQUEST_TIMEOUT_SECONDS = 120


# The garbage collector's young-generation threshold in a worker (CPython's default: 700). A
# request allocates tens of thousands of objects, nearly all freed by reference counting when it
# ends; at 700 the collector runs dozens of times a request, each time walking what is alive.
# The generations above it are collected 20 and 100 times less often, as before.
GC_THRESHOLD = (50_000, 20, 100)


def worker_ready(worker: Any) -> None:
    """In each worker, once Django is loaded: import the URL configuration (and every view with
    it) now instead of on the first request, then freeze all that was loaded (gc.freeze): those
    objects live as long as the worker, and the collector no longer walks them on every full
    collection. With the threshold above, about 5 % less CPU a request (docs/benchmarks.md)."""
    import gc

    from django.urls import get_resolver

    get_resolver().reverse_dict  # noqa: B018 - builds the resolver's tables now
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


class Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from aisc.web.wsgi import application

        return application


def options(cfg: Config, host: str, port: int, workers: int) -> dict[str, Any]:
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "worker_class": "sync",
        "graceful_timeout": GRACEFUL_SECONDS,
        "timeout": REQUEST_TIMEOUT_SECONDS,
        # The request log is aisc's own (aisc.request: one line, with request and user ids).
        "accesslog": None,
        "errorlog": "-",
        "loglevel": cfg.log_level.lower(),
        "proc_name": "aisc-web",
        # Its control socket would live in the home directory, which the unit user lacks.
        "control_socket_disable": True,
        "post_worker_init": worker_ready,
        "child_exit": child_exit,
        # The body of an upload is read by the worker; the proxy in front holds slow clients.
        "limit_request_line": 8190,
    }


def run(cfg: Config, host: str, port: int, workers: int) -> None:
    # prometheus-client's multiprocess mode: each worker writes its counters to files here and
    # /metrics adds them up. A fresh folder per start, so a restart does not add old counts.
    metrics_dir = tempfile.mkdtemp(prefix="aisc-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    master = os.getpid()
    try:
        Gunicorn(options(cfg, host, port, workers)).run()
    finally:
        # A worker leaves by SystemExit through this same frame (it was forked inside run());
        # only the master, on its way out, removes the folder the new workers still write to.
        if os.getpid() == master:
            shutil.rmtree(metrics_dir, ignore_errors=True)
