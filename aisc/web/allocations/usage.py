"""Metered usage, as the allocation pages and capacity planning ask for it.

Billing meters usage and stands above allocations, so allocations may not import it: each
question is a Port (aisc.web.events) that billing answers from its metering in
BillingConfig.ready(), with `aisc.web.billing.ingest.metered`'s functions of the same names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import NamedTuple

from aisc.web.events import Port


class MeteredJob(NamedTuple):
    """One metered job: the project (Slurm account), its GPUs per chip, its run time, when it
    began."""

    project: str
    gpus: tuple[tuple[str, int], ...]
    elapsed_seconds: int
    start: dt.datetime | None


# project code -> GPU-hours metered so far per chip (the grantee's page, a top-up's budget check)
used_gpu_hours: Port[[str], dict[str, Decimal]] = Port("allocations.used_gpu_hours", "billing")
# the same for several projects in one read (lists of allocations): project -> chip -> GPU-hours
used_gpu_hours_of: Port[[Sequence[str]], dict[str, dict[str, Decimal]]] = Port(
    "allocations.used_gpu_hours_of", "billing"
)
# (project code, chip) -> GPU-seconds metered so far, every project (capacity planning)
gpu_seconds_used: Port[[], dict[tuple[str, str], int]] = Port(
    "allocations.gpu_seconds_used", "billing"
)
# every metered job that ran a while, in the order it began (capacity planning's history)
metered_jobs: Port[[], Iterable[MeteredJob]] = Port("allocations.metered_jobs", "billing")
