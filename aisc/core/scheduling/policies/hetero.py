"""Heterogeneity-aware scheduling in rounds, after Gavel (Narayanan et al., OSDI'20).

Jobs carry a throughput per chip type. Every round (360 s, Gavel's default) the policy decides
afresh which jobs run and on which chip type, preempting and resuming as needed (work is kept):

1. Order the active jobs (running and waiting) by the objective:
   - `max-min` (Gavel's heterogeneity-aware LAS): least normalised attained service first, where
     service is GPU-seconds weighted by speed / the job's best speed (best-chip-equivalent
     GPU-seconds), so a job is not penalised for time on a slow chip;
   - `min-jct`: least remaining time on its best chip first (shortest remaining processing time);
   - `srsf`: least remaining service first, service being the remaining time on its best chip
     times its GPUs (Tiresias' SRSF, Gu et al., NSDI'19, with the best chip's time): a gang of
     8 holds 8 GPUs while it runs, so it comes after a single GPU job of up to 8x its time left.
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

Rounds only where the allocation can change: a round does its work when jobs arrived or ended
since the last one, when the last one changed something, or once the objective's order may
call for a change (`_order_changes_at`); otherwise the boundary passes with no work and no
wake-up. The schedule is the same as with the work done at every boundary
(`tests/core/scheduling/test_hetero.py` checks it on random traces).

Gavel solves steps 2-3 as a linear program over time fractions; this greedy needs no solver.
Cost: a waiting job's objective key does not change while it waits, so the waiting jobs are kept
sorted as they come and go (`OrderedJobs`); a round sorts only the running jobs (at most one per
GPU) and merges them with the waiting order, stopping once the cluster's GPUs are all admitted.
Each job's speeds, best speed and regret are computed once, when it first arrives.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.model import ClusterSpec, Job
from aisc.core.scheduling.ordered import OrderedJobs
from aisc.core.scheduling.placement import ClusterState, GroupState
from aisc.core.scheduling.policy import Context, Policy, PolicyOptions

OBJECTIVES = ("max-min", "min-jct", "srsf")


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
        # Remaining-work objectives rank by best-chip seconds left, times the gang for srsf.
        self.min_jct = options.hetero_objective in ("min-jct", "srsf")
        self.srsf = options.hetero_objective == "srsf"
        self.waiting = OrderedJobs()
        self.service: dict[int, float] = {}  # best-chip-equivalent GPU-seconds, while active
        self.profiles: dict[int, Profile] = {}
        self.next_round = 0.0
        self._preempting: Job | None = None
        self.rounds = 0  # rounds that did the reallocation work
        self._changed = True  # jobs arrived or ended, or the last round changed something
        self._due = math.inf  # from when the objective's order may call for a change
        self._idle = True  # the last round found nothing to do: rounds restart at the next call

    # ---- bookkeeping ----------------------------------------------------------------------
    def submit(self, job: Job, now: float) -> None:
        if job.id not in self.profiles:
            self.profiles[job.id] = profile_of(job, self.spec.chips)
            self.service[job.id] = 0.0
            self._changed = True
        self.waiting.add(job, self._waiting_key(job))

    def started(self, job: Job, now: float) -> None:
        self.waiting.discard(job)

    def stopped(self, job: Job, now: float) -> None:
        """A preemption (ours: the job waits again) or the end of the job (it is forgotten)."""
        if job is self._preempting:
            self.service[job.id] = self._service_now(job, now)
        else:
            del self.service[job.id], self.profiles[job.id]
            self._changed = True

    def _preempt(self, ctx: Context, job: Job) -> None:
        self._preempting = job
        ctx.preempt(job)
        self._preempting = None
        self.submit(job, ctx.now)

    # ---- the objective ---------------------------------------------------------------------
    def _waiting_key(self, job: Job) -> float:
        """A waiting job's key; it stays the same until the job runs again."""
        if self.min_jct:
            return job.remaining / self.profiles[job.id].best * self._gang(job)
        return self.service[job.id]

    def _running_key(self, job: Job, now: float) -> float:
        """Under min-jct, the remaining work as if the job had worked since it started (not
        `Job.work_left_at`, which stands still while it restores): a key linear in time, which
        `_order_changes_at` extrapolates."""
        if self.min_jct:
            remaining = job.remaining - (now - job.run_since) * job.run_speed
            return remaining / self.profiles[job.id].best * self._gang(job)
        return self._service_now(job, now)

    def _gang(self, job: Job) -> int:
        return job.gpus if self.srsf else 1

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
        now, step = ctx.now, self.options.round_s
        if now < self.next_round:
            self._start_in_order(ctx)
        else:
            boundary = now if self._idle else self.next_round
            while boundary + step <= now:  # boundaries passed over (nothing could change)
                boundary += step
            self.next_round = boundary + step
            if now != boundary or not self._needs_round(now):
                self._start_in_order(ctx)
            elif not self._round(ctx):
                self._idle = True  # no wake-up: the next arrival calls, and rounds from there
                return
            self._idle = False
        # Also between rounds: a job started after an idle round must still meet the next one.
        ctx.wake_at(self._next_wake())

    def _needs_round(self, now: float) -> bool:
        """Whether a round could change the allocation: jobs arrived or ended, the last round
        changed something, or a waiting job may now come before a running one."""
        return self._changed or now >= self._due

    def _next_wake(self) -> float:
        """The next round boundary at which a round may be needed without any event."""
        if self._changed:
            return self.next_round
        if self._due == math.inf:
            return math.inf
        wake, step = self.next_round, self.options.round_s
        while wake < self._due:
            wake += step
        return wake

    def _round(self, ctx: Context) -> bool:
        """One round's decision; False when there is nothing to schedule."""
        if not self.waiting and not any(True for _ in ctx.running_jobs()):
            return False
        self.rounds += 1
        own = {j.id: j.placement[0] for j in ctx.running_jobs()}
        admitted = self._admit(self._active_in_order(ctx), ctx.cluster, own)
        current = {job_id: ctx.cluster.groups[index].chip for job_id, index in own.items()}
        chosen = self._assign(admitted, ctx, current)
        paused = set()
        for job in list(ctx.running_jobs()):
            if chosen.get(job.id) != current[job.id]:
                paused.add(job.id)
                self._preempt(ctx, job)
        waiting = len(self.waiting)
        self._start_assigned(ctx, admitted, chosen)
        self._start_in_order(ctx, paused)
        self._changed = bool(paused) or len(self.waiting) != waiting
        self._due = self._order_changes_at(ctx)
        return True

    def _order_changes_at(self, ctx: Context) -> float:
        """When a round may next change the allocation although no job arrives or ends.

        A waiting job's key is fixed; a running job's moves linearly (its service grows under
        max-min, its remaining work shrinks under min-jct). A round admits the running jobs in
        their own groups while they all come before every waiting job, and keeps each on its
        type unless one ranked before it in `_assign` (a higher regret, or the same regret and
        ahead in the objective's order) takes it. So a round can change something only once a
        waiting job's key is passed, or two running jobs of equal regret swap places (on a
        cluster of more than one type; the first swap is between neighbours in today's order).
        """
        now, slopes = ctx.now, {}
        keys = []
        for job in ctx.running_jobs():
            profile = self.profiles[job.id]
            if self.min_jct:
                slopes[job.id] = -job.run_speed / profile.best * self._gang(job)
            else:
                slopes[job.id] = job.gpus * job.run_speed / profile.best
            keys.append((self._running_key(job, now), job.submit, job.id))
        due = math.inf
        if self.waiting:
            first = next(self.waiting.entries())
            for key in keys:
                if key >= first:
                    return now
                if not self.min_jct:  # under min-jct running keys only fall further behind
                    due = min(due, now + (first[0] - key[0]) / slopes[key[2]])
        if len(set(self.spec.chips)) > 1:
            by_regret: dict[float, list[tuple[float, float, int]]] = {}
            for key in keys:
                by_regret.setdefault(self.profiles[key[2]].regret, []).append(key)
            for same in by_regret.values():
                same.sort()
                for ahead, behind in pairwise(same):
                    gain = slopes[ahead[2]] - slopes[behind[2]]
                    if gain > 0:
                        due = min(due, now + (behind[0] - ahead[0]) / gain)
        return due

    def _admit(
        self, ordered: Iterator[Job], cluster: ClusterState, own: dict[int, int]
    ) -> list[Job]:
        """Jobs, in order, whose gangs fit in the GPUs of the types they may use.

        A running job counts first against the group it runs in (`own`: job id -> group), so
        the order the running jobs come in cannot leave one of them out by packing alone.
        """
        room = {g.index: g.spec.gpus for g in cluster.groups}
        left = sum(room.values())
        admitted = []
        for job in ordered:
            here = own.get(job.id)
            indexes = [g.index for g in cluster.eligible(job)]
            if here is not None:
                indexes.remove(here)
                indexes.insert(0, here)
            for index in indexes:
                if room[index] >= job.gpus:
                    room[index] -= job.gpus
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
        left = job.work_left_at(now)
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
