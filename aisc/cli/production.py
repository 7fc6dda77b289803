"""`aisc serve`: granian, a Rust HTTP server with WSGI worker processes, run in this process.

The master process reads only the configuration (so a wrong value stops start-up with one line)
and never imports Django: each worker sets Django up after the fork, so `kill -HUP` (systemd's
reload) replaces the workers one by one with ones that read the collected static files and the
code afresh, each old worker finishing its requests in flight first. SIGTERM stops after the
requests in flight. Each worker runs the application in a few threads: while one waits on
PostgreSQL another runs (docs/benchmarks.md, "Which WSGI server").
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from granian.constants import HTTPModes, Interfaces
from granian.log import LogLevels, logger
from granian.server import MPServer

from aisc.adapters.systemd import notify_ready_once_listening
from aisc.config import Config

# Seconds a worker has to finish its requests after HUP or TERM before it is killed (a statement
# PDF of a large organisation is the slowest page).
GRACEFUL_SECONDS = 30
# Threads per worker that run the application.
THREADS = 4


# The garbage collector's young-generation threshold in a worker (CPython's default: 700). A
# request allocates tens of thousands of objects, nearly all freed by reference counting when it
# ends; at 700 the collector runs dozens of times a request, each time walking what is alive.
# The generations above it are collected 20 and 100 times less often, as before.
GC_THRESHOLD = (50_000, 20, 100)


def worker_ready() -> None:
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


# A reload (HUP) replaces the workers one at a time, and stops an old one only once its
# successor has built the application: the successor leaves a file named after its pid in this
# folder (set in the master before the workers fork). granian alone waits a fixed 3.5 s
# (respawn_interval); a worker loading Django on a busy host takes longer, every old worker was
# gone before a new one listened, and connections were refused: seen under a booted systemd by
# `make deploy-boot-rehearsal` (docs/deploy.md).
_ready_folder: Path | None = None
# Longest wait for a new worker; past it the old one is stopped all the same.
READY_WITHIN = 120.0
# From the application built to the worker listening: granian's server starts right after.
SETTLE_SECONDS = 0.5


def use_ready_folder(folder: Path) -> None:
    """In the master, before the workers start: where they say they are ready."""
    global _ready_folder  # the workers inherit it through fork
    folder.mkdir(parents=True, exist_ok=True)
    _ready_folder = folder


def mark_ready() -> None:
    """In a worker whose application is built: its successor-in-waiting may take over."""
    if _ready_folder is not None:
        (_ready_folder / str(os.getpid())).touch()


def application() -> Any:
    """The WSGI application, built in each worker (granian's factory)."""
    from aisc.web.wsgi import application

    worker_ready()
    mark_ready()
    return application


class Granian(MPServer):
    """granian's server of worker processes, telling systemd when it is ready (Type=notify):
    once the port accepts connections. granian binds the socket in the master but listens only
    when a worker has built the application; until then a connection is refused. A reload
    waits for each new worker before stopping the old one (above)."""

    def startup(self, spawn_target: Any, target_loader: Any) -> None:
        super().startup(spawn_target, target_loader)  # type: ignore[no-untyped-call]
        # Only now, with the workers forked: a thread of the master's that held a lock while
        # the master forked would leave the child waiting on it for ever.
        notify_ready_once_listening(self.bind_addr, self.bind_port)

    def _respawn_workers(
        self, workers: list[int], spawn_target: Any, target_loader: Any, delay: float = 0
    ) -> None:
        """granian's own (2.8.9), with its fixed wait replaced by waiting for the new worker;
        tests/cli/test_granian_private_api.py fails when granian's changes."""
        for idx in workers:
            self.respawned_wrks[idx] = time.monotonic()
            logger.info(f"Respawning worker-{idx + 1}")
            # granian's workers are untyped.
            old: Any = self.wrks.pop(idx)
            new: Any = self._spawn_worker(
                idx=idx, target=spawn_target, callback_loader=target_loader
            )
            new.start()
            self.wrks.insert(idx, new)
            waited = wait_ready(new)
            logger.info(f"worker-{idx + 1} ready after {waited:.1f} s: stopping the old one")
            old.terminate()
            old.join(self.workers_kill_timeout)
            if old.is_alive():  # as granian: it may still read alive just after the join
                time.sleep(0.001)
            if old.is_alive():
                logger.warning(f"Killing old worker-{idx + 1} after it refused to gracefully stop")
                old.kill()
                old.join()
        self._metrics.incr_spawn(len(workers))


def wait_ready(worker: Any) -> float:
    """Seconds until `worker` marked itself ready (or died, or READY_WITHIN passed)."""
    began = time.monotonic()
    mark = None if _ready_folder is None else _ready_folder / str(worker.inner.pid)
    while mark is not None and worker.is_alive() and time.monotonic() - began < READY_WITHIN:
        if mark.exists():
            mark.unlink()
            time.sleep(SETTLE_SECONDS)
            break
        time.sleep(0.05)
    return time.monotonic() - began


def server(cfg: Config, host: str, port: int, workers: int) -> Granian:
    from aisc.web.ops import logs

    # Granian's own lines (start, stop, a worker replaced) in aisc's format: JSON with
    # AISC_LOG_FORMAT=json. The request log is aisc's own (aisc.request: one line, with ids).
    log_config = logs.config(cfg.log_format, cfg.log_level)
    log_config["loggers"]["_granian"] = {"handlers": ["console"], "propagate": False}
    return Granian(
        "aisc.cli.production:application",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        http=HTTPModes.http1,
        websockets=False,
        workers=workers,
        blocking_threads=THREADS,
        factory=True,
        log_level=LogLevels(cfg.log_level.lower()),
        log_dictconfig=log_config,
        log_access=False,
        workers_kill_timeout=GRACEFUL_SECONDS,
        respawn_failed_workers=True,
    )


def run(cfg: Config, host: str, port: int, workers: int) -> None:
    # prometheus-client's multiprocess mode: each worker writes its counters to files here and
    # /metrics adds them up. A fresh folder per start, so a restart does not add old counts.
    metrics_dir = tempfile.mkdtemp(prefix="aisc-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    use_ready_folder(Path(tempfile.mkdtemp(prefix="aisc-ready-")))
    master = os.getpid()
    try:
        server(cfg, host, port, workers).serve()
    finally:
        # Only the master, on its way out, removes the folder the workers write to.
        if os.getpid() == master:
            shutil.rmtree(metrics_dir, ignore_errors=True)
            if _ready_folder is not None:
                shutil.rmtree(_ready_folder, ignore_errors=True)
