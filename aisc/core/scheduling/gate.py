"""What the allocations enforce on Slurm, in front of any non-preemptive policy.

aisc puts two limits on every project's Slurm account (docs/slurm.md): outside its dates, or
while suspended, `GrpJobs=0` (no new job starts; running jobs finish), and a GPU-minute budget
per chip, `GrpTRESMins=gres/gpu:CHIP=...`, enforced with `AccountingStorageEnforce=safe` (a job
whose GPUs x time limit would go beyond what is left stays pending, it is never started and then
killed). `GatedPolicy` holds such jobs back from the policy that orders the queue, so the same
policy code as `aisc sim` decides among the jobs that may run.

Budget accounting is "safe" in Slurm's sense: a job let through reserves GPUs x its time limit
of its chip's budget; when it ends, the reservation becomes what it really used. A job without a
time limit can therefore never pass a budget (Slurm would take the partition's MaxTime). A job
let through that has not started when its project's window closes is taken back from the policy
and held again, which is why the inner policy must be able to `withdraw` a queued job.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.model import ClusterSpec, Job
from aisc.core.scheduling.policy import Context, Policy, PolicyOptions

# Slurm's pending reasons for the two limits.
OUTSIDE_WINDOW = "AssocGrpJobsLimit"
OVER_BUDGET = "AssocGrpGRESMinutes"


@dataclass(frozen=True)
class Limits:
    """One project's limits, in simulation seconds and GPU-seconds.

    `start`..`end` is when its jobs may start, except during `pauses` (GrpJobs=0 while the
    allocation was suspended). `budget_gpu_s` maps a chip to the GPU-seconds
    released on it; None means no budget at all, and a chip missing from the map has none
    (Slurm's `gres/gpu:CHIP=0`, so no chip is free by omission).
    """

    start: float = -math.inf
    end: float = math.inf
    budget_gpu_s: Mapping[str, float] | None = None
    pauses: tuple[tuple[float, float], ...] = ()  # [from, until): suspended, nothing starts

    def open_at(self, now: float) -> bool:
        if not self.start <= now < self.end:
            return False
        return not any(begin <= now < until for begin, until in self.pauses)

    def next_change(self, now: float) -> float:
        """The first instant after `now` at which `open_at` may change; inf when none."""
        edges = (self.start, self.end, *(t for pause in self.pauses for t in pause))
        return min((t for t in edges if t > now), default=math.inf)


UNLIMITED = Limits()


class GatedPolicy(Policy):
    """Holds back the jobs the limits do not allow yet; `inner` orders the rest."""

    def __init__(
        self,
        cluster: ClusterSpec,
        options: PolicyOptions,
        inner: Policy,
        limits: Mapping[str, Limits],
    ) -> None:
        super().__init__(cluster, options)
        if inner.preemptive or type(inner).withdraw is Policy.withdraw:
            raise RuleViolation(
                (
                    "policy %(inner)s cannot give back a queued job, so it cannot "
                    "enforce allocation limits; use fifo, multifactor or backfill"
                ),
                field="policy",
                params={"inner": f"{inner.name!r}"},
            )
        self.name = inner.name
        self.inner = inner
        self.limits = dict(limits)
        self.held: list[Job] = []  # submit order
        self.admitted: dict[int, Job] = {}  # handed to the inner policy, not started yet
        self.committed: dict[tuple[str, str], float] = {}  # (project, chip) -> GPU-seconds
        self.reasons: dict[int, str] = {}  # job id -> why it is held

    def limits_of(self, project: str) -> Limits:
        return self.limits.get(project, UNLIMITED)

    def submit(self, job: Job, now: float) -> None:
        self.held.append(job)

    def schedule(self, ctx: Context) -> None:
        now = ctx.now
        self._take_back_closed(now)
        self._admit(ctx)
        self.inner.schedule(ctx)

    def started(self, job: Job, now: float) -> None:
        del self.admitted[job.id]
        self.inner.started(job, now)

    def stopped(self, job: Job, now: float) -> None:
        """A job ended (the inner policy never preempts): its reservation becomes its use."""
        self.inner.stopped(job, now)
        if self.limits_of(job.project).budget_gpu_s is not None:
            self._commit(job, job.gpus * job.ran - self._reservation(job))

    # ---- admission ----------------------------------------------------------------------
    def _reservation(self, job: Job) -> float:
        return job.gpus * job.time_limit

    def _key(self, job: Job) -> tuple[str, str]:
        return (job.project, job.chip or "")

    def _commit(self, job: Job, gpu_s: float) -> None:
        key = self._key(job)
        self.committed[key] = self.committed.get(key, 0.0) + gpu_s

    def why_held(self, job: Job, now: float) -> str | None:
        limits = self.limits_of(job.project)
        if not limits.open_at(now):
            return OUTSIDE_WINDOW
        if limits.budget_gpu_s is None:
            return None
        left = limits.budget_gpu_s.get(job.chip or "", 0.0) - self.committed.get(
            self._key(job), 0.0
        )
        return OVER_BUDGET if self._reservation(job) > left else None

    def _admit(self, ctx: Context) -> None:
        now, still = ctx.now, []
        for job in self.held:
            reason = self.why_held(job, now)
            if reason is None:
                self.reasons.pop(job.id, None)
                if self.limits_of(job.project).budget_gpu_s is not None:
                    self._commit(job, self._reservation(job))
                self.admitted[job.id] = job
                self.inner.submit(job, now)
                continue
            self.reasons[job.id] = reason
            still.append(job)
        self.held = still
        # Wake when a project's window opens (held jobs) or closes (jobs queued, not started).
        for project in {j.project for j in (*self.held, *self.admitted.values())}:
            change = self.limits_of(project).next_change(now)
            if math.isfinite(change):
                ctx.wake_at(change)

    def _take_back_closed(self, now: float) -> None:
        closed = [j for j in self.admitted.values() if not self.limits_of(j.project).open_at(now)]
        for job in closed:
            self.inner.withdraw(job)
            del self.admitted[job.id]
            if self.limits_of(job.project).budget_gpu_s is not None:
                self._commit(job, -self._reservation(job))
        if closed:
            self.held = sorted([*self.held, *closed], key=lambda j: (j.submit, j.id))
