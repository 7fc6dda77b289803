"""Heterogeneity-aware scheduling in rounds, after Gavel (Narayanan et al., OSDI'20).

Jobs carry a throughput per chip type. Every round (360 s, Gavel's default) the policy decides
afresh which jobs run and on which chip type, preempting and resuming as needed (work is kept):

1. Order the active jobs (running and waiting) by the objective:
   - `max-min` (Gavel's heterogeneity-aware LAS): least normalised attained service first, where
     service is GPU-seconds weighted by speed / the job's best speed (best-chip-equivalent
     GPU-seconds), so a job is not penalised for time on a slow chip;
   - `min-jct`: least remaining time on its best chip first (shortest remaining processing time).
2. Admit jobs in that order while their gangs fit in the cluster's GPUs of the types they can use.
3. Assign the admitted jobs to chip types to raise the sum of GPUs x normalised speed
   (speed / best speed), greedily by regret (after Vogel): the job that loses most by missing its
   best type chooses first, then takes its best type with room left. This is where the gain over
   heterogeneity-agnostic policies comes from: jobs with the largest relative advantage on a
   chip get that chip.
4. Keep admitted jobs already running on their type; pause the others; start the rest.
   A running job is never moved to a chip type of equal or lower speed for it: in step 3 it
   may take a faster type where the move repays its restart within the round, else only its
   own; if a job with more to gain took its own, the round pauses it and does not restart it
   at that instant elsewhere. (Two 1-GPU jobs on `a10=1x1,zz=1x1` were once preempted twice on
   an idle cluster, by the order of the chip names; a move down costs the job speed and a
   restart.)

Between rounds, free GPUs are filled in objective order, best type first.

Gavel solves steps 2-3 as a linear program over time fractions; this greedy needs no solver.
Cost: a waiting job's objective key does not change while it waits, so the waiting jobs are kept
sorted as they come and go (`OrderedJobs`); a round sorts only the running jobs (at most one per
GPU) and merges them with the waiting order, stopping once the cluster's GPUs are all admitted.
Each job's speeds, best speed and regret are computed once, when it first arrives.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.model import ClusterSpec, Job
from aisc.core.scheduling.ordered import OrderedJobs
from aisc.core.scheduling.placement import ClusterState, GroupState
from aisc.core.scheduling.policy import Context, Policy, PolicyOptions

OBJECTIVES = ("max-min", "min-jct")


@dataclass(frozen=True)
class Profile:
    """What a job's speeds mean to this policy, computed once per job."""

    best: float  # its best speed on any chip of the cluster
    chips: tuple[str, ...]  # chips it can run on, best normalised speed first
    regret: float  # normalised speed lost if it misses its best chip


def profile_of(job: Job, chips: tuple[str, ...]) -> Profile:
    best = max(job.speed_on(chip) for chip in chips)
    values = sorted(
        ((job.speed_on(c) / best, c) for c in chips if job.speed_on(c) > 0), reverse=True
    )
    regret = values[0][0] - (values[1][0] if len(values) > 1 else 0.0)
    return Profile(best, tuple(chip for _, chip in values), regret)


class HeterogeneityAware(Policy):
    name = "hetero"
    preemptive = True

    def __init__(self, cluster: ClusterSpec, options: PolicyOptions) -> None:
        super().__init__(cluster, options)
        if options.hetero_objective not in OBJECTIVES:
            raise RuleViolation(
                "hetero objective %(hetero_objective)s must be one of %(objectives)s",
                field="hetero_objective",
                params={
                    "hetero_objective": f"{options.hetero_objective!r}",
                    "objectives": OBJECTIVES,
                },
            )
        self.min_jct = options.hetero_objective == "min-jct"
        self.waiting = OrderedJobs()
        self.service: dict[int, float] = {}  # best-chip-equivalent GPU-seconds, while active
        self.profiles: dict[int, Profile] = {}
        self.next_round = 0.0
        self._preempting: Job | None = None

    # ---- bookkeeping ----------------------------------------------------------------------
    def submit(self, job: Job, now: float) -> None:
        if job.id not in self.profiles:
            self.profiles[job.id] = profile_of(job, self.spec.chips)
            self.service[job.id] = 0.0
        self.waiting.add(job, self._waiting_key(job))

    def started(self, job: Job, now: float) -> None:
        self.waiting.discard(job)

    def stopped(self, job: Job, now: float) -> None:
        """A preemption (ours: the job waits again) or the end of the job (it is forgotten)."""
        if job is self._preempting:
            self.service[job.id] = self._service_now(job, now)
        else:
            del self.service[job.id], self.profiles[job.id]

    def _preempt(self, ctx: Context, job: Job) -> None:
        self._preempting = job
        ctx.preempt(job)
        self._preempting = None
        self.submit(job, ctx.now)

    # ---- the objective ---------------------------------------------------------------------
    def _waiting_key(self, job: Job) -> float:
        """A waiting job's key; it stays the same until the job runs again."""
        if self.min_jct:
            return job.remaining / self.profiles[job.id].best
        return self.service[job.id]

    def _running_key(self, job: Job, now: float) -> float:
        if self.min_jct:
            remaining = job.remaining - (now - job.run_since) * job.run_speed
            return remaining / self.profiles[job.id].best
        return self._service_now(job, now)

    def _service_now(self, job: Job, now: float) -> float:
        ran = (now - job.run_since) * job.gpus * job.run_speed / self.profiles[job.id].best
        return self.service[job.id] + ran

    def _active_in_order(self, ctx: Context) -> Iterator[Job]:
        """Running and waiting jobs merged in objective order, lazily."""
        now, by_id = ctx.now, {j.id: j for j in ctx.running_jobs()}
        running = sorted((self._running_key(j, now), j.submit, j.id) for j in by_id.values())
        for *_, job_id in heapq.merge(running, self.waiting.entries()):
            found = by_id.get(job_id)
            yield self.waiting.job(job_id) if found is None else found

    # ---- scheduling points -----------------------------------------------------------------
    def schedule(self, ctx: Context) -> None:
        if ctx.now >= self.next_round:
            self.next_round = ctx.now + self.options.round_s
            if not self._round(ctx):
                return  # an idle cluster needs no wake-up: the next arrival calls again
        else:
            self._start_in_order(ctx)
        # Also between rounds: a job started after an idle round must still meet the next one.
        ctx.wake_at(self.next_round)

    def _round(self, ctx: Context) -> bool:
        """One round's decision; False when there is nothing to schedule."""
        if not self.waiting and not any(True for _ in ctx.running_jobs()):
            return False
        admitted = self._admit(self._active_in_order(ctx), ctx.cluster)
        current = {j.id: ctx.cluster.groups[j.placement[0]].chip for j in ctx.running_jobs()}
        chosen = self._assign(admitted, ctx, current)
        paused = set()
        for job in list(ctx.running_jobs()):
            if chosen.get(job.id) != current[job.id]:
                paused.add(job.id)
                self._preempt(ctx, job)
        self._start_assigned(ctx, admitted, chosen)
        self._start_in_order(ctx, paused)
        return True

    def _admit(self, ordered: Iterator[Job], cluster: ClusterState) -> list[Job]:
        """Jobs, in order, whose gangs fit in the GPUs of the types they may use."""
        room = {g.index: g.spec.gpus for g in cluster.groups}
        left = sum(room.values())
        admitted = []
        for job in ordered:
            for group in cluster.eligible(job):
                if room[group.index] >= job.gpus:
                    room[group.index] -= job.gpus
                    left -= job.gpus
                    admitted.append(job)
                    break
            if left == 0:
                break
        return admitted

    def _assign(self, jobs: list[Job], ctx: Context, current: dict[int, str]) -> dict[int, str]:
        """Chip type per admitted job; who loses most without its best type chooses first.

        A running job may take a faster type where the move pays for its restart within the
        round (`_worth_moving`), else its own; never a type of equal or lower speed for it. If
        a job with more to gain took its own type, it gets none: the round pauses it.
        """
        room: dict[str, int] = {}
        for group in ctx.cluster.groups:
            room[group.chip] = room.get(group.chip, 0) + group.spec.gpus
        profiles = self.profiles
        ranked = sorted(range(len(jobs)), key=lambda i: (-profiles[jobs[i].id].regret, i))
        choice: dict[int, str] = {}
        for i in ranked:  # ties keep the objective's order
            job = jobs[i]
            chips = profiles[job.id].chips
            here = current.get(job.id)
            if here is not None:
                up = (c for c in chips if c != here and self._worth_moving(job, c, ctx.now))
                chips = (*up, here)
            for chip in chips:
                if room.get(chip, 0) >= job.gpus:
                    choice[job.id] = chip
                    room[chip] -= job.gpus
                    break
        return choice

    def _worth_moving(self, job: Job, there: str, now: float) -> bool:
        """Over the next round (or what the job has left, if less), a move to `there` does more
        work than staying, after the restart it costs."""
        worked = now - job.run_since - job.restart_left
        left = job.remaining - (worked if worked > 0.0 else 0.0) * job.run_speed
        horizon = min(self.options.round_s, left / job.run_speed)
        return job.speed_on(there) * (horizon - self.restart_s) > job.run_speed * horizon

    def _start_assigned(self, ctx: Context, admitted: list[Job], chosen: dict[int, str]) -> None:
        for job in admitted:
            chip = chosen.get(job.id)
            if chip is None or job not in self.waiting:
                continue
            groups = [g for g in ctx.cluster.eligible(job) if g.chip == chip]
            placement = ctx.cluster.place(job, groups=groups)  # None: nodes too fragmented
            if placement is not None:
                ctx.start(job, placement)

    def _start_in_order(
        self, ctx: Context, paused: set[int] | frozenset[int] = frozenset()
    ) -> None:
        """Fill what is left (e.g. an assignment that did not fit node-wise), best type first.

        A job the round has just paused waits for a later point (restarting it now, elsewhere,
        would be the move `_assign` refused).
        """
        cluster = ctx.cluster
        for job in self.waiting.snapshot():
            if cluster.free_gpus == 0:
                return
            if job.id in paused:
                continue
            placement = cluster.place(job, groups=self._by_speed(job, cluster))
            if placement is not None:
                ctx.start(job, placement)

    def _by_speed(self, job: Job, cluster: ClusterState) -> list[GroupState]:
        return sorted(cluster.eligible(job), key=lambda g: -job.speed_on(g.chip))
