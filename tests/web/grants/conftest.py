"""Grants' directory turns on, for every test here, what its fixtures (tests/fixtures/grants.py,
shared with every directory) leave to each user: uploads in the test's own directory, an H800
rate card, and the demo cluster's nodes that an award's allocation draws on."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from aisc.core.grants.starter import Terms
from aisc.web.grants import actions
from aisc.web.grants.models import Scheme, StarterProgramme


@pytest.fixture(autouse=True)
def grants_world(files_dir: object, price: object, inventory: object) -> None:
    """Requests the three shared fixtures; their values reach tests that name them."""


@pytest.fixture
def programme(scheme: Scheme) -> StarterProgramme:
    """An open starter-grant programme on call s2026: 500 GPU-hours on H800 or BR104 for 3
    months, two a year per organisation, billed at 80 % subsidy (the scheme allows it)."""
    actions.do_update_scheme(acting_user=None, scheme=scheme, max_rate=Decimal("0.80"),
                             default_rate=Decimal("0.70"))  # fmt: skip
    call = actions.do_create_call(
        acting_user=None, scheme=scheme, code="s2026", title_en="Starter grants 2026",
        opens_on=dt.date(2026, 1, 1), closes_on=dt.date(2027, 12, 31),
        period_start=dt.date(2026, 1, 1), period_end=dt.date(2028, 12, 31),
        budget=Decimal("1000000"),
    )  # fmt: skip
    actions.do_open_call(acting_user=None, call=call)
    return actions.do_create_starter_programme(
        acting_user=None,
        call=call,
        terms=Terms(Decimal(500), 3, ("h800", "br104"), 2, Decimal("0.80")),
    )
