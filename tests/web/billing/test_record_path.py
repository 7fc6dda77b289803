"""The path of a usage record through the ingest: each step's module entered once, in order.

The ingest's driver (`ingest/batches.py`) hands a batch from step to step; a profile hook
records which module each of its calls enters, so a change that sends a batch back to a module
it has left (as the corrections path once went back to `rows.py`) fails here.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

import pytest

from tests.web.billing.conftest import sacct_line

pytestmark = pytest.mark.django_db

DRIVER = "aisc.web.billing.ingest.batches"
STEPS = {
    "aisc.web.billing.ingest.stored": "stored",
    "aisc.web.billing.ingest.checks": "checks",
    "aisc.web.billing.ingest.charges": "charges",
    "aisc.core.metering.plan": "plan",
    "aisc.web.billing.ingest.rows": "rows",
    "aisc.web.billing.ingest.writer": "writer",
}
# The driver's functions that carry one batch (reading the text's chunks and storing the
# parser's rejected lines happen before and are not the record's path).
BATCH_FUNCTIONS = {"_prepare", "_commit_inline"}


@contextmanager
def entered() -> Iterator[list[str]]:
    """The steps the driver enters while one batch is carried, in order, repeats collapsed."""
    seen: list[str] = []

    def hook(frame: FrameType, event: str, _: Any) -> None:
        caller = frame.f_back
        if event != "call" or caller is None or caller.f_code.co_name not in BATCH_FUNCTIONS:
            return
        if caller.f_globals.get("__name__") != DRIVER:
            return
        step = STEPS.get(frame.f_globals.get("__name__", ""))
        if step is not None and (not seen or seen[-1] != step):
            seen.append(step)

    sys.setprofile(hook)
    try:
        yield seen
    finally:
        sys.setprofile(None)


def test_a_first_reading_goes_through_stored_rows_and_the_writer_once_each(
    ingest_text: Callable[..., Any],
) -> None:
    with entered() as steps:
        report = ingest_text(sacct_line("1"), sacct_line("2"))
    assert report.inserted == 2
    assert steps == ["stored", "rows", "writer"]


def test_a_correction_goes_through_each_step_once_in_order(
    ingest_text: Callable[..., Any],
) -> None:
    ingest_text(sacct_line("7", state="RUNNING", elapsed="01:00:00"))
    with entered() as steps:
        report = ingest_text(
            sacct_line("7", state="COMPLETED", elapsed="03:00:00"), sacct_line("8")
        )
    assert (report.corrected, report.inserted) == (1, 1)
    assert steps == ["stored", "checks", "plan", "rows", "writer"]
    assert len(set(steps)) == len(steps)


def test_a_key_read_twice_in_one_batch_is_planned_without_going_back(
    ingest_text: Callable[..., Any],
) -> None:
    with entered() as steps:
        report = ingest_text(
            sacct_line("9", state="RUNNING", elapsed="01:00:00"),
            sacct_line("9", state="COMPLETED", elapsed="02:00:00"),
        )
    assert report.inserted == 1
    assert steps == ["stored", "checks", "plan", "rows", "writer"]
