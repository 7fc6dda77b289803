"""What each gunicorn worker does once Django is loaded (aisc.cli.production.worker_ready)."""

from __future__ import annotations

import gc

from django.urls import get_resolver

from aisc.cli import production


def test_a_ready_worker_has_its_urls_built_and_what_it_loaded_frozen_out_of_the_collector() -> None:
    threshold = gc.get_threshold()
    try:
        production.worker_ready(None)

        assert get_resolver()._populated  # type: ignore[attr-defined]  # Django's own flag
        # Django, the apps and their views: far more than a request leaves alive.
        assert gc.get_freeze_count() > 10_000
        assert gc.get_threshold() == production.GC_THRESHOLD
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


def test_the_server_runs_worker_ready_in_each_worker() -> None:
    from aisc.config import load

    options = production.options(load(), "127.0.0.1", 8000, 2)

    assert options["post_worker_init"] is production.worker_ready
