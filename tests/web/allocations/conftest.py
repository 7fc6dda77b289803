"""Allocations need the demo catalogue (16 h800 and 16 br104 GPUs on four nodes) for the
capacity guard, and an embedded cluster file of their own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from aisc.web.accounts.models import Organisation
from aisc.web.allocations.actions import NewAllocation, do_create_allocation
from aisc.web.allocations.models import Allocation
from aisc.web.grants.models import Award

START = dt.date(2026, 12, 1)
END = dt.date(2027, 2, 28)


@pytest.fixture(autouse=True)
def cluster_for_allocations(embedded_cluster: Path) -> Path:
    """Every allocations test runs on the shared embedded cluster (tests/fixtures/allocations.py);
    awards here are made by grants' own decision action, with grants' shared fixtures."""
    return embedded_cluster


@pytest.fixture
def new_allocation(org: Organisation) -> Callable[..., NewAllocation]:
    def make(**changes: Any) -> NewAllocation:
        fields: dict[str, Any] = {
            "project_code": "p2026a-001",
            "organisation": org,
            "parent_account": "c2026a",
            "subsidised": True,
            "chip": "h800",
            "start_date": START,
            "end_date": END,
            "tranches": [(1, Decimal(1000), True), (2, Decimal(500), False)],
            "award_window": (START, END),
            "members": ["alice"],
        }
        fields.update(changes)
        return NewAllocation(**fields)

    return make


@pytest.fixture
def allocation(new_allocation: Callable[..., NewAllocation]) -> Allocation:
    return do_create_allocation(new_allocation(), acting_user=None)


@pytest.fixture
def running(award: Award) -> Allocation:
    """The award's allocation, active (as on its start date)."""
    allocation = Allocation.objects.get(award=award)
    allocation.status = "active"
    allocation.save(update_fields=["status"])
    assert allocation.gpu_hours > 0
    return allocation
