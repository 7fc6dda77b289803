"""What each worker of `aisc serve` does once Django is loaded (aisc.cli.production), and how the
server is configured."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.urls import get_resolver

from aisc.cli import production
from aisc.config import load


@pytest.fixture
def collector() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_a_ready_worker_has_its_urls_built_and_what_it_loaded_frozen_out_of_the_collector(
    collector: None,
) -> None:
    production.worker_ready()

    assert get_resolver()._populated  # type: ignore[attr-defined]  # Django's own flag
    # Django, the apps and their views: far more than a request leaves alive.
    assert gc.get_freeze_count() > 10_000
    assert gc.get_threshold() == production.GC_THRESHOLD


def test_each_worker_builds_the_wsgi_application_and_readies_itself(collector: None) -> None:
    built = production.application()

    assert isinstance(built, WSGIHandler)
    assert gc.get_freeze_count() > 10_000


def test_the_server_runs_the_application_factory_in_threaded_workers() -> None:
    built = production.server(load(), "127.0.0.1", 8000, 3)

    assert built.target == "aisc.cli.production:application"
    assert built.factory is True
    assert built.workers == 3
    assert built.blocking_threads == production.THREADS
    assert built.workers_kill_timeout == production.GRACEFUL_SECONDS
    # One process a worker; READY=1 once it listens (test_serve_production, tests/adapters).
    assert isinstance(built, production.Granian)
