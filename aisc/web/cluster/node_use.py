"""Which nodes the embedded cluster's running jobs occupy, so its adapter lists node states as
Slurm's `sinfo` would (aisc.web.allocations.cluster.gpus_in_use, answered here).

The embedded cluster schedules node groups, not nodes (aisc.web.cluster.layout): a running job
holds GPUs of its group. They are placed on the group's nodes first fit, in name order, so each
group's busy GPUs here add up to what the cluster page shows for it.
"""

from __future__ import annotations

from collections import defaultdict

from aisc.core.allocations.lifecycle import Status
from aisc.web.allocations.cluster import embedded_nodes
from aisc.web.allocations.models import Allocation
from aisc.web.cluster.layout import UNAVAILABLE
from aisc.web.cluster.models import EmbeddedJob, JobState

Group = tuple[str, str, str | None]  # chip, partition, the project it is reserved for


def _free_gpus() -> dict[Group, list[list[str | int]]]:
    """Per group, [node name, GPUs] of its nodes in service, in name order."""
    holder = {
        node: a.project_code
        for a in Allocation.objects.filter(status=Status.ACTIVE.value)
        for node in a.dedicated_nodes
    }
    groups: dict[Group, list[list[str | int]]] = defaultdict(list)
    for node in sorted(embedded_nodes(), key=lambda n: n.name):
        if node.chip and node.gpus and node.state not in UNAVAILABLE:
            groups[(node.chip, node.partition, holder.get(node.name))].append(
                [node.name, node.gpus]
            )
    return groups


def gpus_in_use() -> dict[str, int]:
    """Node name -> GPUs its running jobs hold (nodes with none are left out)."""
    groups = _free_gpus()
    use: dict[str, int] = defaultdict(int)
    running = EmbeddedJob.objects.filter(state=JobState.RUNNING).order_by("start_at", "id")
    for job in running.only("chip", "partition", "account", "dedicated", "gpus"):
        need = job.gpus
        for slot in groups.get(
            (job.chip, job.partition, job.account if job.dedicated else None), []
        ):
            take = min(need, int(slot[1]))
            slot[1] = int(slot[1]) - take
            use[str(slot[0])] += take
            need -= take
            if need == 0:
                break
    return {name: gpus for name, gpus in use.items() if gpus}
