"""What the operator page and `aisc cluster queue` show: the cluster as the last advance left
it (the worker advances it every minute), per node group and per job."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from aisc.core.scheduling.model import NodeGroup
from aisc.web.cluster import layout, service
from aisc.web.cluster.models import ClusterClock, EmbeddedJob, JobState
from aisc.web.compiled import Compiled


@dataclass(frozen=True)
class GroupUse:
    chip: str
    partition: str
    reserved_for: str
    nodes: int
    gpus: int
    busy: int

    @property
    def percent(self) -> int:
        return round(100 * self.busy / self.gpus) if self.gpus else 0


@dataclass(frozen=True)
class Overview:
    clock: ClusterClock
    groups: list[GroupUse]
    running: list[EmbeddedJob]
    pending: list[EmbeddedJob]
    ended_last_day: int
    day_use_percent: int  # GPU-time used in the last 24 hours / GPUs x 24 hours

    @property
    def busy(self) -> int:
        return sum(g.busy for g in self.groups)

    @property
    def gpus(self) -> int:
        return sum(g.gpus for g in self.groups)


def _group_use(group: NodeGroup, running: list[EmbeddedJob]) -> GroupUse:
    busy = sum(
        j.gpus
        for j in running
        if (j.chip, j.partition) == (group.chip, group.partition)
        and (j.account == group.reserved_for if j.dedicated else group.reserved_for is None)
    )
    return GroupUse(
        group.chip, group.partition, group.reserved_for or "", group.nodes, group.gpus, busy
    )


# Read on every cluster page: compiled once (aisc.web.compiled).
running_jobs = Compiled(
    lambda: EmbeddedJob.objects.filter(state=JobState.RUNNING).order_by("start_at", "id")
)
pending_jobs = Compiled(
    lambda: EmbeddedJob.objects.filter(state=JobState.PENDING).order_by("submit_at", "id")
)


def overview() -> Overview:
    row = service.clock()
    running: list[EmbeddedJob] = running_jobs()
    pending: list[EmbeddedJob] = pending_jobs()
    groups = [_group_use(g, running) for g in layout.node_groups()]
    day_ago = row.advanced_to - dt.timedelta(days=1)
    ended = EmbeddedJob.objects.filter(end_at__gt=day_ago, end_at__lte=row.advanced_to).count()
    total = sum(g.gpus for g in groups) * 86_400
    percent = round(100 * _gpu_seconds(day_ago, row.advanced_to) / total) if total else 0
    return Overview(row, groups, running, pending, ended, percent)


def _gpu_seconds(since: dt.datetime, until: dt.datetime) -> float:
    """GPU-seconds the cluster's jobs ran between `since` and `until`."""
    # Three columns, not whole jobs: the page is the heaviest of the operators' and this reads
    # every job of the last day.
    ran = (
        EmbeddedJob.objects.filter(start_at__lt=until)
        .filter(Q(end_at__isnull=True) | Q(end_at__gt=since))
        .values_list("gpus", "start_at", "end_at")
    )
    return sum(
        gpus * (min(end_at or until, until) - max(start_at, since)).total_seconds()
        for gpus, start_at, end_at in ran
        if start_at is not None
    )
