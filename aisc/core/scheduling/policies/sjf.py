"""Shortest job first, a reference: the job expected to finish soonest goes first.

"Expected" is the scheduler's estimate (the time limit, or the true run time when the trace has
none: the oracle SJF of Alibaba's PAI simulator, docs/facts/scheduling-anchors.md row 10).
Jobs that do not fit are skipped over (no reservation), so wide jobs can starve: a reference
point for average JCT, not a policy to run a centre with.
"""

from __future__ import annotations

from bisect import insort

from aisc.core.scheduling.model import ClusterSpec, Job
from aisc.core.scheduling.policy import Context, Policy, PolicyOptions


def _rank(job: Job) -> tuple[float, float, int]:
    return (job.priority, job.submit, job.id)


class ShortestJobFirst(Policy):
    name = "sjf"

    def __init__(self, cluster: ClusterSpec, options: PolicyOptions) -> None:
        super().__init__(cluster, options)
        self.queue: list[Job] = []

    def submit(self, job: Job, now: float) -> None:
        job.priority = job.estimate_on(1.0)
        insort(self.queue, job, key=_rank)

    def schedule(self, ctx: Context) -> None:
        cluster, started = ctx.cluster, []
        for index, job in enumerate(self.queue):
            free = cluster.free_gpus
            if free == 0:
                break
            if job.gpus <= free and ctx.start(job):
                started.append(index)
        for index in reversed(started):
            del self.queue[index]
