"""What billing needs to know about a project: its organisation, subsidy terms and released hours.

Billing finds a project's terms through `Allocation.objects.get(project_code=...)` → `.award`
(None = a commercial tenant, charged in full); see `directory.py`. Everything else in this app takes
a `Directory`, so tests and benchmarks can give it a fixed set of projects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from aisc.core.billing.split import Terms
from aisc.core.errors import NotFound
from aisc.core.ledger.flows import AwardRef


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
