"""The embedded cluster's shape and rules, read from the catalogue and the allocations.

Nodes: the catalogue's nodes (those not down or draining), grouped by chip, GPUs per node and
partition; a node dedicated to an allocation (its reservation, as `aisc slurm apply` creates it)
forms a group reserved for that project. Without nodes in the catalogue, the Slurm test
cluster's layout (aisc.web.allocations.cluster.embedded_nodes) stands in.

Limits per project, as aisc puts them in Slurm (docs/slurm.md): jobs start only between the
allocation's first day 00:00 and the day after its last (Asia/Hong_Kong); a suspended, expired or
closed allocation starts nothing from the advance that first sees it so (GrpJobs=0, or no account
left); the released GPU-hours per chip are the budget (safe enforcement). A pending allocation
has no account at all, and only provisioned ones (aisc.core.allocations.lifecycle.PROVISIONED)
accept new jobs. Dedicated nodes are reserved while the allocation is active, as provisioning
reserves them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter

from django.utils import timezone

from aisc.core.allocations.budget import released_by_chip
from aisc.core.allocations.lifecycle import NO_NEW_JOBS, PROVISIONED, Status
from aisc.core.scheduling.gate import Limits
from aisc.core.scheduling.model import ClusterSpec, NodeGroup
from aisc.web.allocations.cluster import embedded_nodes
from aisc.web.allocations.models import Allocation
from aisc.web.compiled import Compiled

UNAVAILABLE = {"down", "drain"}
NO_ACCOUNT = {Status.PENDING.value}
STOPPED = {s.value for s in NO_NEW_JOBS} | {Status.CLOSED.value}


def _allocations() -> list[Allocation]:
    return list(Allocation.objects.prefetch_related("lines", "members"))


def cluster_spec(allocations: list[Allocation] | None = None) -> ClusterSpec:
    allocations = _allocations() if allocations is None else allocations
    groups = _groups(
        {
            node: a.project_code
            for a in allocations
            if a.status == Status.ACTIVE.value
            for node in a.dedicated_nodes
        }
    )
    # Fair share follows the released GPU-hours, as the awards do.
    shares = {
        a.project_code: float(sum(released_by_chip(a.budget_lines()).values())) for a in allocations
    }
    return ClusterSpec(groups, {k: v for k, v in shares.items() if v > 0})


def node_groups() -> tuple[NodeGroup, ...]:
    """cluster_spec().groups, reading of the allocations only the active ones' dedicated nodes
    (the operator page shows the groups; the shares need every allocation's budget lines)."""
    return _groups(
        {node: a["project_code"] for a in active_dedicated() for node in a["dedicated_nodes"]}
    )


# Read on every cluster page: compiled once (aisc.web.compiled).
active_dedicated = Compiled(
    lambda: Allocation.objects.filter(status=Status.ACTIVE.value).values(
        "project_code", "dedicated_nodes"
    )
)


def _groups(holder: dict[str, str]) -> tuple[NodeGroup, ...]:
    """The nodes grouped, each dedicated node (its name in `holder`) with its project's."""
    counts: Counter[tuple[str, int, str, str | None]] = Counter()
    for node in embedded_nodes():
        if node.chip and node.gpus and node.state not in UNAVAILABLE:
            counts[(node.chip, node.gpus, node.partition, holder.get(node.name))] += 1
    return tuple(
        NodeGroup(chip, count, gpus, partition, reserved)
        for (chip, gpus, partition, reserved), count in sorted(
            counts.items(), key=lambda item: (item[0][0], item[0][2], item[0][3] or "")
        )
    )


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=timezone.get_default_timezone())


Stops = dict[str, list[list[str | None]]]  # project -> [[from, until or None], ...] (ISO)


def note_stops(stops: Stops, reached: dt.datetime, allocations: list[Allocation]) -> Stops:
    """Stops brought up to date at `reached` (how far the cluster had run when it looked): a
    newly stopped allocation opens an interval there, a resumed or extended one closes it. The
    intervals are kept, so every later replay holds the same jobs at the same times."""
    stopped = {a.project_code for a in allocations if a.status in STOPPED}
    noted: Stops = {code: [list(pair) for pair in pairs] for code, pairs in stops.items()}
    for code in sorted(stopped | set(noted)):
        pairs = noted.setdefault(code, [])
        still_open = bool(pairs) and pairs[-1][1] is None
        if code in stopped and not still_open:
            pairs.append([reached.isoformat(), None])
        elif code not in stopped and still_open:
            pairs[-1][1] = reached.isoformat()
    return noted


def project_limits(
    epoch: dt.datetime, stops: Stops, allocations: list[Allocation] | None = None
) -> dict[str, Limits]:
    """Limits in seconds from `epoch`; nothing of a project starts inside its `stops`."""
    allocations = _allocations() if allocations is None else allocations

    def seconds(when: dt.datetime) -> float:
        return (when - epoch).total_seconds()

    def pause(begin: str | None, until: str | None) -> tuple[float, float]:
        assert begin is not None, "a stop always has a beginning"
        end = math.inf if until is None else seconds(dt.datetime.fromisoformat(until))
        return (seconds(dt.datetime.fromisoformat(begin)), end)

    limits = {}
    for a in allocations:
        if a.status in NO_ACCOUNT:
            limits[a.project_code] = Limits(start=math.inf)
            continue
        budget = {chip: float(h) * 3600 for chip, h in released_by_chip(a.budget_lines()).items()}
        limits[a.project_code] = Limits(
            start=seconds(_midnight(a.start_date)),
            end=seconds(_midnight(a.end_date + dt.timedelta(days=1))),
            budget_gpu_s=budget,
            pauses=tuple(pause(*pair) for pair in stops.get(a.project_code, [])),
        )
    return limits


def accounts() -> dict[str, tuple[str, ...]]:
    """Accounts that may submit, with their members (Slurm refuses any other)."""
    return {
        a.project_code: tuple(m.username for m in a.members.all())
        for a in _allocations()
        if a.status in {s.value for s in PROVISIONED}
    }
