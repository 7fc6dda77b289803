"""Fair share by allocation: projects receive GPU time in proportion to their awards' shares.

At each scheduling point the project that is furthest below its share goes first:

    key(p) = (decayed GPU-s received by p + GPU-s committed to its running jobs) / share(p)

committed = GPUs x (expected end - now) of each running job, so starting a job counts against its
project at once and one scheduling point cannot hand everything to one project. Usage decays
with PriorityDecayHalfLife (7 days), so "in proportion" holds over windows of about that length.
Within a project jobs go in arrival order; a project whose first job does not fit is passed over
for this scheduling point (work-conserving; a wide job can wait long, see docs/simulator.md).
"""

from __future__ import annotations

import heapq
from collections import deque

from aisc.core.scheduling.model import ClusterSpec, Job
from aisc.core.scheduling.policy import Context, Policy, PolicyOptions, UsageMeter


class FairShare(Policy):
    name = "fairshare"

    def __init__(self, cluster: ClusterSpec, options: PolicyOptions) -> None:
        super().__init__(cluster, options)
        self.meter = UsageMeter(options.decay_half_life_s)
        self.queues: dict[str, deque[Job]] = {}
        self.running_gpus: dict[str, int] = {}
        self.committed_end: dict[str, float] = {}  # sum of GPUs x expected end

    def share(self, project: str) -> float:
        if not self.spec.shares:
            return 1.0
        return self.spec.shares.get(project, 0.0)

    def submit(self, job: Job, now: float) -> None:
        self.queues.setdefault(job.project, deque()).append(job)

    def started(self, job: Job, now: float) -> None:
        self.meter.change(job.project, job.gpus, now)
        self.running_gpus[job.project] = self.running_gpus.get(job.project, 0) + job.gpus
        self._commit(job, job.gpus * job.expected_end)

    def stopped(self, job: Job, now: float) -> None:
        self.meter.change(job.project, -job.gpus, now)
        self.running_gpus[job.project] -= job.gpus
        self._commit(job, -job.gpus * job.expected_end)

    def _commit(self, job: Job, amount: float) -> None:
        self.committed_end[job.project] = self.committed_end.get(job.project, 0.0) + amount

    def key(self, project: str, used: float, now: float) -> float:
        """GPU-seconds received and committed per unit of share (lower goes first)."""
        committed = self.committed_end.get(project, 0.0) - now * self.running_gpus.get(project, 0)
        share = self.share(project)
        return (used + committed) / share if share > 0 else float("inf")

    def schedule(self, ctx: Context) -> None:
        now, usage = ctx.now, self.meter.at(ctx.now)
        heap = [
            (self.key(p, usage.get(p, 0.0), now), p) for p, queue in self.queues.items() if queue
        ]
        heapq.heapify(heap)
        while heap and ctx.cluster.free_gpus > 0:
            _, project = heapq.heappop(heap)
            queue = self.queues[project]
            if not ctx.start(queue[0]):
                continue
            queue.popleft()
            if queue:
                heapq.heappush(heap, (self.key(project, usage.get(project, 0.0), now), project))
