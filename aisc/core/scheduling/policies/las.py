"""Least attained service, discretised as Tiresias' 2D-LAS (Gu et al., NSDI'19), a reference.

A job's attained service is GPUs x seconds run so far; thresholds (default 1 and 10 GPU-hours)
split jobs into queues, lower first, arrival order within a queue. A waiting job may preempt
running jobs of a strictly lower queue (their work is kept; they resume later), so new and small
jobs overtake long ones. A running job changes queue when it crosses a threshold; the policy
asks for a scheduling point at the next crossing while anything waits.
"""

from __future__ import annotations

from bisect import bisect_right, insort

from aisc.core.scheduling.model import ClusterSpec, Job
from aisc.core.scheduling.policy import Context, Policy, PolicyOptions


def _rank(job: Job) -> tuple[float, float, int]:
    return (job.priority, job.submit, job.id)


class LeastAttainedService(Policy):
    name = "las"
    preemptive = True

    def __init__(self, cluster: ClusterSpec, options: PolicyOptions) -> None:
        super().__init__(cluster, options)
        self.thresholds = sorted(options.las_thresholds_gpu_s)
        self.queue: list[Job] = []

    def level(self, attained: float) -> int:
        return bisect_right(self.thresholds, attained)

    def submit(self, job: Job, now: float) -> None:
        job.priority = self.level(job.attained)
        insort(self.queue, job, key=_rank)

    def schedule(self, ctx: Context) -> None:
        index = 0
        while index < len(self.queue):
            job = self.queue[index]
            if ctx.start(job) or (self._make_room(ctx, job) and ctx.start(job)):
                del self.queue[index]
            else:
                index += 1
        self._wake_at_next_demotion(ctx)

    def attained_now(self, job: Job, now: float) -> float:
        return job.attained + (now - job.run_since) * job.gpus

    def _make_room(self, ctx: Context, job: Job) -> bool:
        """Preempt running jobs of lower queues, lowest first, if that lets `job` fit."""
        groups = {g.index: g for g in ctx.cluster.eligible(job)}
        victims = [
            r
            for r in ctx.running_jobs()
            if r.placement[0] in groups and self.level(self.attained_now(r, ctx.now)) > job.priority
        ]
        room = {i: g.free_gpus for i, g in groups.items()}
        for r in victims:
            room[r.placement[0]] += sum(gpus for _, gpus in r.placement[1])
        if not any(free >= job.gpus for free in room.values()):
            return False
        victims.sort(key=lambda r: (-self.level(self.attained_now(r, ctx.now)), -r.submit, -r.id))
        for victim in victims:
            if ctx.cluster.fits(job):
                break
            ctx.preempt(victim)
            self.submit(victim, ctx.now)
        return ctx.cluster.fits(job)

    def _wake_at_next_demotion(self, ctx: Context) -> None:
        if not self.queue:
            return
        crossings = [
            ctx.now + (self.thresholds[level] - attained) / r.gpus
            for r in ctx.running_jobs()
            for attained in (self.attained_now(r, ctx.now),)
            for level in (self.level(attained),)
            if level < len(self.thresholds)
        ]
        if crossings:
            ctx.wake_at(min(crossings))
