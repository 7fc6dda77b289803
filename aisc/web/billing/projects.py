"""What billing needs to know about a project: its organisation, subsidy terms and released hours.

The portal finds a project's terms through `Allocation.objects.get(project_code=...)` → `.award`
(None = a commercial tenant, charged in full): `AllocationDirectory`. Everything else in this app
takes a `Directory`, so tests and benchmarks can give it a fixed set of projects
(`StaticDirectory`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from aisc.core.billing.split import Terms
from aisc.core.errors import NotFound
from aisc.core.ledger.flows import AwardRef
from aisc.web.allocations.models import Allocation


@dataclass(frozen=True)
class Project:
    code: str
    organisation_id: int | None
    terms: Terms | None  # None: commercial, charged in full
    award: AwardRef | None
    released_gpu_hours: Decimal | None = None  # None: no GPU-hour limit to alert on
    dedicated: bool = False  # runs on nodes held for it alone: the dedicated premium applies

    @property
    def receivable_key(self) -> str:
        """The organisation segment of the receivable account."""
        return f"org-{self.organisation_id}" if self.organisation_id else f"tenant-{self.code}"


class Directory(Protocol):
    def get(self, code: str) -> Project:
        """The project billed under this Slurm account; NotFound naming the account if none."""
        ...


class StaticDirectory:
    """A fixed set of projects (tests, benchmarks, imports of another centre's accounts)."""

    def __init__(self, projects: Iterable[Project] | Mapping[str, Project]) -> None:
        items = projects.values() if isinstance(projects, Mapping) else projects
        self._projects = {p.code: p for p in items}

    def get(self, code: str) -> Project:
        try:
            return self._projects[code]
        except KeyError:
            raise NotFound(f"account: unknown account {code!r}", field="account") from None


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
