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
        held = self._held_by_level(ctx)
        index = 0
        while index < len(self.queue):
            job = self.queue[index]
            if ctx.cluster.free_gpus == 0 and not self._has_victims(held, job.priority):
                break  # every later job is of this queue or higher: none can start either
            if ctx.start(job) or (self._make_room(ctx, job, held) and ctx.start(job)):
                self._hold(held, job, int(job.priority), ctx)
                del self.queue[index]
            else:
                index += 1
        self._wake_at_next_demotion(ctx)

    def attained_now(self, job: Job, now: float) -> float:
        return job.attained + (now - job.run_since) * job.gpus

    def _held_by_level(self, ctx: Context) -> dict[int, list[int]]:
        """GPUs held by running jobs, per node group and queue, at this scheduling point."""
        held = {g.index: [0] * (len(self.thresholds) + 1) for g in ctx.cluster.groups}
        for r in ctx.running_jobs():
            self._hold(held, r, self.level(self.attained_now(r, ctx.now)), ctx)
        return held

    def _hold(self, held: dict[int, list[int]], job: Job, level: int, ctx: Context) -> None:
        """Count the GPUs of a running job in `held`, under its queue."""
        held[job.placement[0]][level] += ctx.cluster.allocated_by(job.placement)

    def _has_victims(self, held: dict[int, list[int]], priority: float) -> bool:
        first = int(priority) + 1
        return any(any(levels[first:]) for levels in held.values())

    def _make_room(self, ctx: Context, job: Job, held: dict[int, list[int]]) -> bool:
        """Preempt running jobs of lower queues, lowest first, if that lets `job` fit."""
        groups = ctx.cluster.eligible(job)
        first = int(job.priority) + 1
        if not any(g.free_gpus + sum(held[g.index][first:]) >= job.gpus for g in groups):
            return False  # even every lower-queue job of its groups would not make room
        indexes = {g.index for g in groups}
        victims = [
            (level, r)
            for r in ctx.running_jobs()
            if r.placement[0] in indexes
            for level in (self.level(self.attained_now(r, ctx.now)),)
            if level > job.priority
        ]
        victims.sort(key=lambda v: (-v[0], -v[1].submit, -v[1].id))
        for level, victim in victims:
            if ctx.cluster.fits(job):
                break
            held[victim.placement[0]][level] -= ctx.cluster.allocated_by(victim.placement)
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
