"""Billing answers what allocations asks of its metering through allocations' ports (capacity
planning and the allocation pages), not through imports of billing's tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from aisc.web.allocations import usage
from aisc.web.allocations.usage import MeteredJob
from tests.web.billing.conftest import sacct_line

pytestmark = pytest.mark.django_db


def test_billing_answers_the_gpu_seconds_used_per_project_and_chip(
    ingest_text: Callable[..., Any],
) -> None:
    assert usage.gpu_seconds_used() == {}
    ingest_text(
        sacct_line("1", elapsed="01:00:00"),
        sacct_line("2", elapsed="00:30:00"),
        sacct_line("3", account="tenant-kc", gpus="gres/gpu:h100=3,gres/gpu=3"),
    )
    assert usage.gpu_seconds_used() == {
        ("p2026a-001", "h800"): 8 * 5400,
        ("tenant-kc", "h100"): 3 * 3600,
    }


def test_billing_answers_every_metered_job_that_ran_in_the_order_it_began(
    ingest_text: Callable[..., Any],
) -> None:
    ingest_text(
        sacct_line("1", start="2026-03-02T12:00:00"),
        sacct_line("2", start="2026-03-02T10:00:00", gpus="gres/gpu:h100=3,gres/gpu=3"),
        sacct_line("3", elapsed="00:00:00"),  # never ran: no history to replay
    )
    began = dt.datetime(2026, 3, 2, 2, tzinfo=dt.UTC)  # 10:00 in Hong Kong
    assert list(usage.metered_jobs()) == [
        MeteredJob("p2026a-001", (("h100", 3),), 3600, began),
        MeteredJob("p2026a-001", (("h800", 8),), 3600, began + dt.timedelta(hours=2)),
    ]
