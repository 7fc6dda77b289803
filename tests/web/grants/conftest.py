"""Grants' directory turns on, for every test here, what its fixtures (tests/fixtures/grants.py,
shared with every directory) leave to each user: uploads in the test's own directory, an H800
rate card, and the demo cluster's nodes that an award's allocation draws on."""

from __future__ import annotations

import pytest

from aisc.web.accounts.models import User
from aisc.web.grants import actions
from aisc.web.grants.models import Award, Report


@pytest.fixture(autouse=True)
def grants_world(files_dir: object, price: object, inventory: object) -> None:
    """Requests the three shared fixtures; their values reach tests that name them."""


@pytest.fixture
def report(active: Award, applicant: User) -> Report:
    """A progress report of the active award that awaits its decision (outputs and KPI values
    are declared on it)."""
    return actions.do_submit_report(acting_user=applicant, award=active, kind="progress", text="M1")
