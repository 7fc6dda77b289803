"""Slurm-like scheduling: jobs in multifactor priority order, optionally with EASY backfill.

`multifactor` starts jobs in priority order and stops at the first that does not fit (Slurm's
main loop for one partition); `backfill` then lets later jobs through as EASY allows, testing at
most bf_max_job_test of them per scheduling point, as Slurm does. Priorities are recomputed at
most every PriorityCalcPeriod (5 min), at the next scheduling point; a job that arrives in
between is ranked with the priority it has on arrival.

A scheduling point caused only by arrivals frees no GPUs and, with the queue order and the
reservation unchanged, cannot start a job tested before; such a point tests only the new jobs
(and still counts the others against bf_max_job_test), which gives the same decisions faster.
"""

from __future__ import annotations

import math

from aisc.core.scheduling.backfill import Reservation, ReservationPlanner, try_backfill
from aisc.core.scheduling.model import ClusterSpec, Job
from aisc.core.scheduling.pending import PendingQueue
from aisc.core.scheduling.placement import ClusterState
from aisc.core.scheduling.policy import Context, Policy, PolicyOptions, UsageMeter
from aisc.core.scheduling.priority import PriorityCalculator
from aisc.core.scheduling.releases import Releases


class Multifactor(Policy):
    name = "multifactor"
    backfill = False

    def __init__(self, cluster: ClusterSpec, options: PolicyOptions) -> None:
        super().__init__(cluster, options)
        self.calculator = PriorityCalculator(cluster, options)
        self.meter = UsageMeter(options.decay_half_life_s)
        self.planner = ReservationPlanner()
        # Running jobs by when they end: the planner here, a per-node index for `slurm`.
        self.running_index: ReservationPlanner | Releases = self.planner
        self.queue = PendingQueue(self.calculator)
        self.fairshare: dict[str, float] = {}
        self.next_calc = -math.inf
        self.fresh: set[int] = set()  # ids submitted since the last scheduling point
        self.reservation: Reservation | None = None

    def submit(self, job: Job, now: float) -> None:
        if job.project not in self.fairshare:
            self.fairshare = self.calculator.fairshare(
                self.meter.at(now), [*self.fairshare, job.project]
            )
        self.enqueue(job, now)

    def enqueue(self, job: Job, now: float) -> None:
        """Rank the job by its priority now and put it in the queue."""
        self.queue.add(job, now, self.fairshare)
        self.fresh.add(job.id)

    def started(self, job: Job, now: float) -> None:
        self.meter.change(job.project, job.gpus, now)
        self.running_index.add(job)

    def stopped(self, job: Job, now: float) -> None:
        self.meter.change(job.project, -job.gpus, now)
        self.running_index.remove(job)

    def withdraw(self, job: Job) -> bool:
        if not self.queue.discard(job):
            return False
        self.fresh.discard(job.id)
        if self.reservation is not None and self.reservation.job is job:
            self.reservation = None
        return True

    def recalculate(self, now: float) -> None:
        self.fairshare = self.calculator.fairshare(self.meter.at(now), self.fairshare)
        self.queue.reorder(now, self.fairshare)
        self.next_calc = now + self.options.calc_period_s

    def schedule(self, ctx: Context) -> None:
        retest = ctx.freed or ctx.now >= self.next_calc
        if ctx.now >= self.next_calc:
            self.recalculate(ctx.now)
        for job in self._pass(ctx, retest):
            self.queue.discard(job)
        self.fresh.clear()

    def _pass(self, ctx: Context, retest: bool) -> list[Job]:
        """The jobs that started, in priority order."""
        cluster, started, fresh = ctx.cluster, list[Job](), self.fresh
        reservation: Reservation | None = None
        budget = self.options.bf_max_job_test
        failed: dict[tuple[int, int], float] = {}
        for job in self.queue:
            free = cluster.free_gpus
            if free == 0:
                break
            if reservation is None:
                if ctx.start(job):
                    started.append(job)
                    continue
                if not self.backfill:
                    break
                reservation = self._reservation_for(job, cluster, retest)
                retest = retest or reservation is not self.reservation
                self.reservation = reservation
                continue
            budget -= 1
            if budget < 0:
                break
            tested = retest or job.id in fresh
            if tested and job.gpus <= free and try_backfill(job, ctx, reservation, failed):
                started.append(job)
        return started

    def _reservation_for(self, job: Job, cluster: ClusterState, retest: bool) -> Reservation:
        kept = self.reservation
        if not retest and kept is not None and kept.job is job:
            return kept
        found = self.planner.reserve(job, cluster)
        assert found is not None, "an eligible job always fits once every running job ends"
        return found


class Backfill(Multifactor):
    name = "backfill"
    backfill = True
