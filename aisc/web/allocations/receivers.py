"""Grants' signals create and feed allocations, inside the deciding transaction: if the
allocation is refused (capacity, dates, chip), the award decision rolls back with it."""

from __future__ import annotations

import importlib
from typing import Any

from aisc.web.allocations import grants_link


def _connect() -> None:
    try:
        signals = importlib.import_module("aisc.web.grants.signals")
    except ModuleNotFoundError:  # the grants app is not on main yet
        return
    signals.award_approved.connect(_on_award_approved, dispatch_uid="allocations.award")
    signals.tranche_released.connect(_on_tranche_released, dispatch_uid="allocations.tranche")


def _on_award_approved(sender: Any, award: Any, acting_user: Any, **kw: Any) -> None:
    grants_link.do_create_allocation_from_award(award, acting_user=acting_user)


def _on_tranche_released(sender: Any, tranche: Any, acting_user: Any, **kw: Any) -> None:
    grants_link.on_tranche_released(tranche, acting_user=acting_user)


_connect()
