"""aisc.cli.production.Granian replaces granian's private `_respawn_workers` with a copy that
waits for each new worker instead of a fixed 3.5 s (granian has no public hook for that: only
`respawn_interval` and the on_reload hook, which runs before any worker is replaced). These
tests fail as soon as an upgrade of granian changes what the copy stands on, naming what to
compare; test_production_reload.py proves the copy works."""

from __future__ import annotations

import hashlib
import inspect
import textwrap
from importlib.metadata import version

from granian.server.common import AbstractServer
from granian.server.mp import MPServer, WorkerProcess

from aisc.cli import production

# sha256 of granian 2.8.9's AbstractServer._respawn_workers, dedented: the method
# production.Granian._respawn_workers was copied from.
COPIED_FROM = "1c89b12b802cd01a67dd1ad1ff27ac0a737325d106522ca86eb63a40bbab8898"


def source(function: object) -> str:
    return textwrap.dedent(inspect.getsource(function))  # type: ignore[arg-type]


def test_granians_respawn_is_still_the_one_aisc_copied() -> None:
    found = hashlib.sha256(source(AbstractServer._respawn_workers).encode()).hexdigest()
    assert found == COPIED_FROM, (
        f"granian {version('granian')} changed AbstractServer._respawn_workers: compare it with "
        "aisc.cli.production.Granian._respawn_workers, carry its changes over, then record its "
        "new hash here"
    )


def test_the_copy_takes_what_granians_callers_pass() -> None:
    ours = inspect.signature(production.Granian._respawn_workers)
    theirs = inspect.signature(AbstractServer._respawn_workers)
    assert list(ours.parameters) == list(theirs.parameters)
    assert ours.parameters["delay"].default == theirs.parameters["delay"].default
    spawn = inspect.signature(MPServer._spawn_worker)
    assert list(spawn.parameters) == ["self", "idx", "target", "callback_loader"]


def test_granian_still_replaces_workers_through_that_method_on_reload_crash_and_lifetime() -> None:
    calls = "self._respawn_workers("
    assert calls in source(AbstractServer._reload)  # HUP
    assert source(AbstractServer._serve_loop).count(calls) == 2  # a crashed worker, its lifetime
    assert calls in source(MPServer._handle_rss_signal)  # its memory limit


def test_a_worker_process_carries_the_process_whose_pid_marks_it_ready() -> None:
    worker = WorkerProcess(parent=None, idx=0, target=print, args=())  # type: ignore[no-untyped-call]
    assert worker.inner.pid is None  # not started: nothing forked here
    assert worker.idx == 0
    assert not worker.is_alive()  # type: ignore[no-untyped-call]
    for used in ("start", "join", "terminate", "kill"):  # by the copy, on the old and new worker
        assert callable(getattr(worker, used))
