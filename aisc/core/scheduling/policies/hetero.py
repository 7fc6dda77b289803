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
4. Keep admitted jobs already running on their type; preempt the others; start the rest.

Gavel solves steps 2-3 as a linear program over time fractions; this greedy needs no solver and
costs O(n log n) per round. docs/simulator.md compares it with Gavel's published figures.
"""

from __future__ import annotations

from aisc.core.scheduling.model import ClusterSpec, Job
from aisc.core.scheduling.placement import ClusterState
from aisc.core.scheduling.policy import Context, Policy, PolicyOptions

OBJECTIVES = ("max-min", "min-jct")


class HeterogeneityAware(Policy):
    name = "hetero"
    preemptive = True

    def __init__(self, cluster: ClusterSpec, options: PolicyOptions) -> None:
        super().__init__(cluster, options)
        if options.hetero_objective not in OBJECTIVES:
            from aisc.core.errors import RuleViolation

            raise RuleViolation(
                f"hetero objective {options.hetero_objective!r} must be one of {OBJECTIVES}",
                field="hetero_objective",
            )
        self.waiting: dict[int, Job] = {}
        self.service: dict[int, float] = {}  # best-chip-equivalent GPU-seconds
        self.next_round = 0.0

    def submit(self, job: Job, now: float) -> None:
        self.waiting[job.id] = job

    def started(self, job: Job, now: float) -> None:
        self.waiting.pop(job.id, None)

    def stopped(self, job: Job, now: float) -> None:
        ran = now - job.run_since
        self.service[job.id] = self.service.get(job.id, 0.0) + ran * job.gpus * job.run_speed / (
            self.best_speed(job)
        )
        if job.remaining > 0 and job.ran < job.time_limit:
            self.waiting[job.id] = job  # preempted: waits again
        else:
            self.service.pop(job.id, None)

    def best_speed(self, job: Job) -> float:
        return max(job.speed_on(chip) for chip in self.spec.chips)

    def schedule(self, ctx: Context) -> None:
        if ctx.now < self.next_round:  # between rounds: only fill free GPUs
            self._start_in_order(ctx, sorted(self.waiting.values(), key=self._rank_key(ctx.now)))
            return
        self.next_round = ctx.now + self.options.round_s
        active = [*ctx.running_jobs(), *self.waiting.values()]
        if not active:
            return
        active.sort(key=self._rank_key(ctx.now))
        chosen = self._assign(self._admit(active, ctx.cluster), ctx.cluster)
        for job in list(ctx.running_jobs()):
            chip = chosen.get(job.id)
            if chip is None or ctx.cluster.groups[job.placement[0]].chip != chip:
                ctx.preempt(job)
        self._start_assigned(ctx, active, chosen)
        self._start_in_order(ctx, sorted(self.waiting.values(), key=self._rank_key(ctx.now)))
        ctx.wake_at(self.next_round)

    def _rank_key(self, now: float):  # type: ignore[no-untyped-def]
        if self.options.hetero_objective == "min-jct":
            return lambda j: (j.remaining / self.best_speed(j), j.submit, j.id)
        return lambda j: (self._service_now(j, now), j.submit, j.id)

    def _service_now(self, job: Job, now: float) -> float:
        done = self.service.get(job.id, 0.0)
        if job.id in self.waiting:
            return done
        return done + (now - job.run_since) * job.gpus * job.run_speed / self.best_speed(job)

    def _admit(self, ordered: list[Job], cluster: ClusterState) -> list[Job]:
        """Jobs, in order, whose gangs fit in the GPUs of the types they may use."""
        room = {g.index: g.spec.gpus for g in cluster.groups}
        admitted = []
        for job in ordered:
            for group in cluster.eligible(job):
                if room[group.index] >= job.gpus:
                    room[group.index] -= job.gpus
                    admitted.append(job)
                    break
        return admitted

    def _assign(self, jobs: list[Job], cluster: ClusterState) -> dict[int, str]:
        """Chip type per admitted job; who loses most without its best type chooses first."""
        room: dict[str, int] = {}
        for group in cluster.groups:
            room[group.chip] = room.get(group.chip, 0) + group.spec.gpus
        ranked = []
        for order, job in enumerate(jobs):  # ties keep the objective's order
            best = self.best_speed(job)
            values = sorted(
                ((job.speed_on(c) / best, c) for c in room if job.speed_on(c) > 0), reverse=True
            )
            regret = values[0][0] - (values[1][0] if len(values) > 1 else 0.0)
            ranked.append((-regret, order, job, [chip for _, chip in values]))
        ranked.sort(key=lambda r: r[:2])
        choice: dict[int, str] = {}
        for *_, job, chips in ranked:
            for chip in chips:
                if room[chip] >= job.gpus:
                    choice[job.id] = chip
                    room[chip] -= job.gpus
                    break
        return choice

    def _start_assigned(self, ctx: Context, ordered: list[Job], chosen: dict[int, str]) -> None:
        for job in ordered:
            chip = chosen.get(job.id)
            if chip is None or job.id not in self.waiting:
                continue
            groups = [g for g in ctx.cluster.eligible(job) if g.chip == chip]
            placement = ctx.cluster.place(job, groups=groups)  # None: nodes too fragmented
            _ = placement is not None and ctx.start(job, placement)

    def _start_in_order(self, ctx: Context, ordered: list[Job]) -> None:
        """Fill what is left (e.g. an assignment that did not fit node-wise), best type first."""
        for job in ordered:
            if ctx.cluster.free_gpus == 0:
                return
            groups = sorted(ctx.cluster.eligible(job), key=lambda g: -job.speed_on(g.chip))
            placement = ctx.cluster.place(job, groups=groups)
            if placement is not None:
                ctx.start(job, placement)
