"""The embedded cluster across requests and processes: replay, advance, report.

`advance(now)` rebuilds the simulator from the catalogue's nodes and the allocations' limits and
runs it to `now` with the configured policy: from where the last advance left it when its
checkpoint still holds (aisc.web.cluster.checkpoint), else by replaying every stored job from
the epoch; then it writes each job's state back. Replays are deterministic, so both ways give
the same result. Rows of ended jobs are final: if a later change (a new reservation, a top-up)
would replay the past differently, the ended jobs keep what metering already read, and only the
jobs still open take the new course. One advance runs at a time (aisc.web.cluster.lease).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from aisc.core.errors import RuleViolation
from aisc.core.simulation.embedded import EmbeddedCluster, QueuedJob
from aisc.web.allocations.models import Allocation
from aisc.web.cluster import checkpoint, layout, lease
from aisc.web.cluster.checkpoint import Replay
from aisc.web.cluster.models import FINAL, ClusterClock, EmbeddedJob, JobState

# Slurm's reason for a job whose nodes cannot serve it now (down, drained, reserved).
NOT_AVAILABLE = "ReqNodeNotAvail"
WRITTEN = ["state", "reason", "partition", "dedicated", "start_at", "end_at"]


def policy_name() -> str:
    return str(settings.AISC_EMBEDDED_POLICY)


def clock(epoch: dt.datetime | None = None) -> ClusterClock:
    """The cluster's clock row; the first call sets its epoch (default: now, to the minute).

    The row is unique in the database (ClusterClock.singleton): when two processes create it at
    once, the loser's insert fails and get_or_create reads the winner's row instead."""
    start = epoch or timezone.now().replace(second=0, microsecond=0)
    row, _ = ClusterClock.objects.get_or_create(
        singleton=True,
        defaults={"epoch": start, "advanced_to": start, "policy": policy_name()},
    )
    return row


@dataclass
class Advance:
    """What one advance changed: the jobs that ended and the ones running now (for metering)."""

    now: dt.datetime
    ended: list[EmbeddedJob] = field(default_factory=list)
    running: list[EmbeddedJob] = field(default_factory=list)
    pending: int = 0
    resumed: bool = False  # it carried on from the last advance's checkpoint

    def describe(self) -> str:
        return (
            f"embedded cluster at {self.now:%Y-%m-%d %H:%M}: {len(self.ended)} ended, "
            f"{len(self.running)} running, {self.pending} pending"
        )


def replay(
    row: ClusterClock,
    until: dt.datetime,
    *,
    allocations: list[Allocation] | None = None,
    resume: bool = True,
) -> Replay:
    """The cluster run to `until`: from the checkpoint of the last advance when `resume` and it
    still holds, else from the epoch (`resume=False` always replays from the epoch)."""
    allocations = layout._allocations() if allocations is None else allocations
    spec = layout.cluster_spec(allocations)
    limits = layout.project_limits(row.epoch, row.stops, allocations)
    current = checkpoint.key(spec, limits, row.policy, row.epoch)
    jobs = EmbeddedJob.objects.filter(submit_at__lte=until)
    run = checkpoint.resume(row, current) if resume else None
    if run is None:
        cluster = EmbeddedCluster(spec, row.epoch, policy=row.policy, limits=limits)
        run = Replay(cluster, {}, [])
    else:
        jobs = jobs.filter(submit_at__gt=row.advanced_to)
    for job in jobs.order_by("submit_at", "id"):
        run.submit(job)
    run.ended += run.cluster.advance_to(max(until, run.cluster.now))
    run.key = current
    return run


def _apply(job: EmbeddedJob, state: str, **values: object) -> bool:
    """Set the row's fields; True when something changed. Final rows are never touched."""
    if job.state in FINAL:
        return False
    values["state"] = state
    changed = False
    for name, value in values.items():
        if getattr(job, name) != value:
            setattr(job, name, value)
            changed = True
    return changed


def advance(now: dt.datetime | None = None, *, resume: bool = True) -> Advance:
    """Run the cluster to `now` (default: the wall clock) and store every job's state; waits
    while another advance runs. `resume=False` replays from the epoch (as a check)."""
    pk = clock().pk
    with lease.holding(pk) as token:
        row = ClusterClock.objects.get(pk=pk)
        now = max(now or timezone.now(), row.advanced_to)  # never run backwards
        allocations = layout._allocations()
        row.stops = layout.note_stops(row.stops, row.advanced_to, allocations)
        run = replay(row, now, allocations=allocations, resume=resume)
        with transaction.atomic():  # short: the replay above held no write lock
            lease.confirm(pk, token)
            result = _write_back(run, now)
            row.advanced_to = now
            row.save(update_fields=["advanced_to", "stops"])
            checkpoint.save(row, run)
    return result


def _write_back(run: Replay, now: dt.datetime) -> Advance:
    """Store what the run found on each row it touched; what changed, for metering."""
    result, changed = Advance(now, resumed=run.resumed), []
    for done in run.ended:
        job = run.rows[done.job_id]
        fields = {
            "partition": done.partition,
            "dedicated": done.dedicated,
            "start_at": done.start,
            "end_at": done.end,
        }
        if _apply(job, done.state, reason="", **fields):
            changed.append(job)
            result.ended.append(job)
    for queued in run.cluster.queue():
        job = run.rows[queued.job_id]
        if _queued(job, queued):
            changed.append(job)
        if queued.state == JobState.RUNNING and job.state == JobState.RUNNING:
            result.running.append(job)
        elif queued.state == JobState.PENDING:
            result.pending += 1
    for job in run.refused:
        if _apply(job, JobState.PENDING, reason=NOT_AVAILABLE, partition="", start_at=None):
            changed.append(job)
        result.pending += int(job.state == JobState.PENDING)
    EmbeddedJob.objects.bulk_update(changed, WRITTEN, batch_size=500)
    return result


def _queued(job: EmbeddedJob, queued: QueuedJob) -> bool:
    return _apply(
        job,
        queued.state,
        reason=queued.reason,
        partition=queued.partition,
        dedicated=queued.dedicated,
        start_at=queued.start,
        end_at=None,
    )


def submit(
    *,
    account: str,
    user: str,
    gpus: int,
    work_s: int,
    time_limit_s: int,
    chip: str,
    at: dt.datetime | None = None,
) -> EmbeddedJob:
    """Store a job as Slurm's sbatch would accept it; it runs from the next advance on."""
    chip = chip.lower()  # stored as the catalogue, metering and billing name it
    members = layout.accounts()
    if account not in members:
        raise RuleViolation(
            f"account: {account!r} has no Slurm account on the embedded cluster "
            "(Invalid account or account/partition combination specified)",
            field="account",
        )
    if user not in members[account]:
        raise RuleViolation(
            f"user: {user!r} is not a member of {account} (Invalid account)", field="user"
        )
    if time_limit_s < 60:
        raise RuleViolation(
            "time_limit_s: the time limit must be at least 60 s", field="time_limit_s"
        )
    if work_s < 0:  # the simulator would name its own `duration_s`, which callers never see
        raise RuleViolation(
            f"work_s: the run time must be at least 0 s (got {work_s})", field="work_s"
        )
    spec = layout.cluster_spec()
    probe = EmbeddedCluster(spec, clock().epoch)
    probe.submit(account=account, user=user, gpus=gpus, duration_s=work_s, chip=chip)
    return EmbeddedJob.objects.create(
        account=account,
        user=user,
        chip=chip,
        gpus=gpus,
        work_s=work_s,
        time_limit_s=time_limit_s,
        submit_at=at or timezone.now(),
    )
