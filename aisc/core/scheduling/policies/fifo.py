"""FIFO: jobs start in arrival order; the first job that does not fit blocks all behind it.

A blocked head stays blocked until GPUs are freed, so a scheduling point caused only by new
arrivals behind it costs nothing.
"""

from __future__ import annotations

from collections import deque

from aisc.core.scheduling.model import ClusterSpec, Job
from aisc.core.scheduling.policy import Context, Policy, PolicyOptions


class Fifo(Policy):
    name = "fifo"

    def __init__(self, cluster: ClusterSpec, options: PolicyOptions) -> None:
        super().__init__(cluster, options)
        self.queue: deque[Job] = deque()
        self._blocked: Job | None = None

    def submit(self, job: Job, now: float) -> None:
        self.queue.append(job)

    def schedule(self, ctx: Context) -> None:
        queue = self.queue
        if not queue or (queue[0] is self._blocked and not ctx.freed):
            return
        while queue and ctx.start(queue[0]):
            queue.popleft()
        self._blocked = queue[0] if queue else None

    def withdraw(self, job: Job) -> bool:
        if job not in self.queue:
            return False
        self.queue.remove(job)
        self._blocked = None  # the head may have changed
        return True
