"""What a run leaves behind: one row per job, one row per run segment, a timeline of the cluster.

Columns are compact arrays indexed by job id, so a million-job run keeps tens of megabytes, and
the Job objects themselves can be dropped as soon as they end. Run segments grow with the
preemptions, not the jobs (a preemptive policy on a busy trace makes millions), so a run that
never reads them (`keep_segments=False`, what `aisc sim` does) keeps only each job's GPU-seconds.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np

from aisc.core.scheduling.model import Job
from aisc.core.scheduling.placement import ClusterState


class Outcome(IntEnum):
    PENDING = 0
    DONE = 1
    TIMEOUT = 2  # cut at its time limit
    UNSCHEDULABLE = 3  # wider than anything it may run on: reported, never queued


def _filled(code: str, n: int, value: float) -> array[float]:
    return array(code, [value]) * n if n else array(code)


class RunRecord:
    def __init__(self, n: int, *, keep_segments: bool = True) -> None:
        self.keep_segments = keep_segments
        self.gpu_seconds = _filled("d", n, 0.0)  # allocated GPUs x seconds run, all segments
        self.submit = _filled("d", n, -1.0)
        self.gpus = _filled("l", n, 0)
        self.work = _filled("d", n, 0.0)
        self.ideal = _filled("d", n, 0.0)  # run time alone on its fastest allowed chip
        self.first_start = _filled("d", n, -1.0)
        self.end = _filled("d", n, -1.0)
        self.group = _filled("l", n, -1)
        self.outcome = _filled("b", n, Outcome.PENDING)
        self.preemptions = _filled("l", n, 0)
        self.project: list[str] = [""] * n
        self.user: list[str] = [""] * n
        self.reasons: dict[int, str] = {}
        self.segments = Segments()
        self.ended = 0

    def __len__(self) -> int:
        return len(self.submit)

    def __setstate__(self, state: dict[str, object]) -> None:
        """A record pickled before per-job GPU-seconds existed (an embedded checkpoint) loads
        with them at 0 for its past jobs and segments kept, as they then were."""
        self.__dict__.update(state)
        if "gpu_seconds" not in state:
            self.gpu_seconds = _filled("d", len(self.submit), 0.0)
            self.keep_segments = True

    def add_job(self, job: Job) -> None:
        """A job not from the trace (the embedded cluster): it gets the next id."""
        job.id = len(self.submit)
        for column, value in (
            (self.submit, job.submit),
            (self.gpus, job.gpus),
            (self.work, job.work),
            (self.ideal, 0.0),
            (self.first_start, -1.0),
            (self.end, -1.0),
            (self.group, -1),
            (self.outcome, Outcome.PENDING),
            (self.preemptions, 0),
            (self.gpu_seconds, 0.0),
        ):
            column.append(value)
        self.project.append(job.project)
        self.user.append(job.user)

    def arrived(self, job: Job, best_speed: float) -> None:
        i = job.id
        self.submit[i], self.gpus[i], self.work[i] = job.submit, job.gpus, job.work
        if best_speed > 0:
            alone, limit = job.work / best_speed, job.time_limit
            self.ideal[i] = alone if alone < limit else limit
        else:
            self.ideal[i] = 0.0
        self.project[i], self.user[i] = job.project, job.user

    def started(self, job: Job, group: int) -> None:
        if self.first_start[job.id] < 0:
            self.first_start[job.id] = job.first_start
        self.group[job.id] = group

    def stopped(self, job: Job, now: float) -> None:
        nodes = job.placement[1]
        allocated = nodes[0][1] if len(nodes) == 1 else sum(gpus for _, gpus in nodes)
        self.gpu_seconds[job.id] += (now - job.run_since) * allocated
        if self.keep_segments:
            self.segments.add(job.id, job.run_since, now, job.placement[0], allocated)
        self.preemptions[job.id] = job.preemptions

    def ended_job(self, job: Job, outcome: Outcome) -> None:
        self.end[job.id] = job.end
        self.outcome[job.id] = outcome
        self.preemptions[job.id] = job.preemptions
        self.ended += 1

    def unschedulable(self, job: Job, reason: str) -> None:
        self.outcome[job.id] = Outcome.UNSCHEDULABLE
        self.reasons[job.id] = reason
        self.ended += 1

    def columns(self) -> dict[str, np.ndarray]:
        return {
            "submit": np.frombuffer(self.submit, dtype=np.float64),
            "gpus": np.frombuffer(self.gpus, dtype=np.int64),
            "work": np.frombuffer(self.work, dtype=np.float64),
            "ideal": np.frombuffer(self.ideal, dtype=np.float64),
            "start": np.frombuffer(self.first_start, dtype=np.float64),
            "end": np.frombuffer(self.end, dtype=np.float64),
            "group": np.frombuffer(self.group, dtype=np.int64),
            "outcome": np.frombuffer(self.outcome, dtype=np.int8),
            "preemptions": np.frombuffer(self.preemptions, dtype=np.int64),
        }


@dataclass
class Segments:
    """Each stretch a job ran without interruption, with the GPUs it held."""

    job: array[int] = field(default_factory=lambda: array("l"))
    start: array[float] = field(default_factory=lambda: array("d"))
    end: array[float] = field(default_factory=lambda: array("d"))
    group: array[int] = field(default_factory=lambda: array("l"))
    allocated: array[int] = field(default_factory=lambda: array("l"))

    def add(self, job: int, start: float, end: float, group: int, allocated: int) -> None:
        self.job.append(job)
        self.start.append(start)
        self.end.append(end)
        self.group.append(group)
        self.allocated.append(allocated)

    def __len__(self) -> int:
        return len(self.job)


@dataclass
class Timeline:
    """The cluster after each scheduling point: allocated and stranded GPUs, jobs waiting."""

    time: array[float] = field(default_factory=lambda: array("d"))
    allocated: array[int] = field(default_factory=lambda: array("l"))
    stranded: array[int] = field(default_factory=lambda: array("l"))
    pending: array[int] = field(default_factory=lambda: array("l"))
    running: array[int] = field(default_factory=lambda: array("l"))

    def add(self, time: float, cluster: ClusterState, pending: int, running: int) -> None:
        groups = cluster.groups
        if len(groups) == 1:  # the common case, without the generic sums
            group = groups[0]
            free = group.free_gpus
            allocated = cluster.total_gpus - free
            stranded = free - group.gpn * len(group.buckets[group.gpn])
        else:
            allocated, stranded = cluster.allocated_gpus, cluster.stranded_gpus()
        times = self.time
        if times and times[-1] == time:
            self.allocated[-1], self.stranded[-1] = allocated, stranded
            self.pending[-1], self.running[-1] = pending, running
            return
        if (
            times
            and self.pending[-1] == pending
            and self.running[-1] == running
            and self.allocated[-1] == allocated
            and self.stranded[-1] == stranded
        ):
            return  # a step function: an unchanged point adds nothing
        times.append(time)
        self.allocated.append(allocated)
        self.stranded.append(stranded)
        self.pending.append(pending)
        self.running.append(running)

    def __len__(self) -> int:
        return len(self.time)
