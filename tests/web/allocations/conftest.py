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
from aisc.web.catalogue import demo as catalogue_demo
from aisc.web.demo import DemoReport

# Grants' fixtures (scheme, call, an application at each step, committee), so awards here are
# made by grants' own decision action. Its autouse fixture comes along: fast password hashing
# (the list price comes from the demo catalogue's rate cards).
from tests.web.grants.conftest import (  # noqa: F401
    call,
    committee,
    complete_fields,
    draft,
    fast_passwords,
    in_review,
    reviewed,
    reviewers,
    scheme,
    secretariat,
    submitted,
)

START = dt.date(2026, 12, 1)
END = dt.date(2027, 2, 28)


@pytest.fixture(autouse=True)
def embedded_cluster(settings: Any, tmp_path: Path, db: Any) -> Path:
    path = tmp_path / "embedded-slurm.json"
    settings.AISC_EMBEDDED_SLURM_STATE = str(path)
    settings.AISC_CLUSTER = "embedded"
    catalogue_demo.load(DemoReport())
    return path


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
