"""The production sources of projects and prices: allocations/awards and the rate cards.

Billing finds a project's terms through `Allocation.objects.get(project_code=...)` → `.award`
(None = commercial), and prices through `aisc.web.catalogue.prices.price` (the list price of
`list_price(chip, on)`, and on top of it the partition's and the dedicated-node premiums).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from aisc.core.billing.rating import UnitPrice
from aisc.core.billing.split import Terms
from aisc.core.errors import NotFound
from aisc.core.ledger.flows import AwardRef
from aisc.web.allocations.models import Allocation
from aisc.web.billing.projects import Project
from aisc.web.catalogue import prices as catalogue_prices
from aisc.web.catalogue.models import Partition


def award_project(
    award: Any, released_gpu_hours: Decimal | None, dedicated: bool = False
) -> Project:
    call = award.application.call
    return Project(
        code=award.project_code,
        organisation_id=award.organisation_id,
        terms=Terms(Decimal(award.subsidy_rate), Decimal(award.subsidy_cap)),
        award=AwardRef(call.scheme.code, call.code, award.project_code),
        released_gpu_hours=released_gpu_hours,
        dedicated=dedicated,
    )


class AllocationDirectory:
    """Looks each Slurm account up among the allocations; caches per instance (one run)."""

    def __init__(self) -> None:
        self._cache: dict[str, Project] = {}

    def get(self, code: str) -> Project:
        if code not in self._cache:
            self._cache[code] = self._lookup(code)
        return self._cache[code]

    def _lookup(self, code: str) -> Project:
        try:
            allocation = Allocation.objects.select_related("award__application__call__scheme").get(
                project_code=code
            )
        except Allocation.DoesNotExist:
            raise NotFound(f"account: unknown account {code!r}", field="account") from None
        released = allocation.gpu_hours  # released GPU-hours over all chips
        # Nodes held for the project alone (a reservation): the rate card's dedicated premium.
        dedicated = bool(allocation.dedicated_nodes)
        if allocation.award is None:  # a commercial tenant, charged in full
            return Project(code, allocation.organisation_id, None, None, released, dedicated)
        return award_project(allocation.award, released, dedicated)


class CataloguePrices:
    """List price per chip and day from the rate cards; the premium is what the catalogue's
    price with the partition's (and, dedicated, the dedicated) premium adds to it."""

    def __init__(self) -> None:
        self._partitions: dict[str, Partition | None] = {}

    def price(self, chip: str, partition: str, day: dt.date, dedicated: bool = False) -> UnitPrice:
        if partition not in self._partitions:
            self._partitions[partition] = Partition.objects.filter(name=partition).first()
        listed = catalogue_prices.list_price(chip, day)
        total = catalogue_prices.price(
            chip, day, partition=self._partitions[partition], dedicated=dedicated
        )
        return UnitPrice(listed, total - listed)
