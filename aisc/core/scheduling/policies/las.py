"""Least attained service, discretised as Tiresias' 2D-LAS (Gu et al., NSDI'19), a reference.

A job's attained service is GPUs x seconds run so far; thresholds (default 1 and 10 GPU-hours)
split jobs into queues, lower first, arrival order within a queue. A waiting job may preempt
running jobs of a strictly lower queue (their work is kept; they resume later), so new and small
jobs overtake long ones. A running job changes queue when it crosses a threshold; the policy
asks for a scheduling point at the next crossing while anything waits.

Cost: a running job's queue changes only at threshold crossings, whose times are fixed while it
runs (it gains `gpus` GPU-seconds a second). So the GPUs held per node group and queue are kept
up to date as jobs start and stop, and a heap of the coming crossings moves a job to its next
queue when its time comes: a scheduling point costs no pass over the running jobs (which on a
large cluster are thousands), except to pick victims when a preemption can make room.
"""

from __future__ import annotations

import heapq
import math
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
        # Running jobs: GPUs held per node group and queue, each job's queue as counted there,
        # and the coming threshold crossings (time, job id, the run they belong to).
        self.held: dict[int, list[int]] = {}
        self.running: dict[int, tuple[Job, int]] = {}
        self.crossings: list[tuple[float, int, float]] = []

    def level(self, attained: float) -> int:
        return bisect_right(self.thresholds, attained)

    def submit(self, job: Job, now: float) -> None:
        job.priority = self.level(job.attained)
        insort(self.queue, job, key=_rank)

    # ---- the running jobs' queues, kept as they start, stop and cross thresholds -----------
    def started(self, job: Job, now: float) -> None:
        level = self.level(job.attained)
        self._count(job, level, 1)
        self.running[job.id] = (job, level)
        self._expect_crossing(job, level, now)

    def stopped(self, job: Job, now: float) -> None:
        _, level = self.running.pop(job.id)
        self._count(job, level, -1)

    def _count(self, job: Job, level: int, sign: int) -> None:
        levels = self.held.get(job.placement[0])
        if levels is None:
            levels = self.held[job.placement[0]] = [0] * (len(self.thresholds) + 1)
        levels[level] += sign * sum(gpus for _, gpus in job.placement[1])

    def _expect_crossing(self, job: Job, level: int, now: float) -> None:
        if level < len(self.thresholds):
            when = now + (self.thresholds[level] - self.attained_now(job, now)) / job.gpus
            heapq.heappush(self.crossings, (when, job.id, job.run_since))

    def _bring_to(self, now: float) -> None:
        """Move the running jobs whose crossings have come to the queue they are in now."""
        crossings = self.crossings
        while crossings and crossings[0][0] <= now:
            _, job_id, since = heapq.heappop(crossings)
            entry = self.running.get(job_id)
            if entry is None or entry[0].run_since != since:
                continue  # the job stopped since
            job, level = entry
            new = self.level(self.attained_now(job, now))
            if new == level:  # rounding left it a hair short of the threshold
                heapq.heappush(crossings, (math.nextafter(now, math.inf), job_id, since))
                continue
            self._count(job, level, -1)
            self._count(job, new, 1)
            self.running[job_id] = (job, new)
            self._expect_crossing(job, new, now)

    def _next_crossing(self) -> float:
        crossings, running = self.crossings, self.running
        while crossings:
            _, job_id, since = crossings[0]
            entry = running.get(job_id)
            if entry is not None and entry[0].run_since == since:
                return crossings[0][0]
            heapq.heappop(crossings)
        return math.inf

    # ---- scheduling points -----------------------------------------------------------------
    def schedule(self, ctx: Context) -> None:
        self._bring_to(ctx.now)
        index = 0
        while index < len(self.queue):
            job = self.queue[index]
            if ctx.cluster.free_gpus == 0 and not self._has_victims(job.priority):
                break  # every later job is of this queue or higher: none can start either
            if ctx.start(job) or (self._make_room(ctx, job) and ctx.start(job)):
                del self.queue[index]
            else:
                index += 1
        if self.queue:
            ctx.wake_at(self._next_crossing())

    def attained_now(self, job: Job, now: float) -> float:
        return job.attained + (now - job.run_since) * job.gpus

    def _has_victims(self, priority: float) -> bool:
        first = int(priority) + 1
        return any(any(levels[first:]) for levels in self.held.values())

    def _make_room(self, ctx: Context, job: Job) -> bool:
        """Preempt running jobs of lower queues, lowest first, if that lets `job` fit."""
        groups = ctx.cluster.eligible(job)
        first = int(job.priority) + 1
        empty = [0] * (len(self.thresholds) + 1)
        if not any(
            g.free_gpus + sum(self.held.get(g.index, empty)[first:]) >= job.gpus for g in groups
        ):
            return False  # even every lower-queue job of its groups would not make room
        indexes = {g.index for g in groups}
        victims = [
            (level, r)
            for r, level in self.running.values()
            if level > job.priority and r.placement[0] in indexes
        ]
        victims.sort(key=lambda v: (-v[0], -v[1].submit, -v[1].id))
        for _, victim in victims:
            if ctx.cluster.fits(job):
                break
            ctx.preempt(victim)
            self.submit(victim, ctx.now)
        return ctx.cluster.fits(job)
