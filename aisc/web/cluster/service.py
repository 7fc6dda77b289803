"""The embedded cluster across requests and processes: replay, advance, report.

`advance(now)` rebuilds the simulator (aisc.core.simulation.embedded) from the catalogue's nodes
and the allocations' limits, replays every stored job from the epoch with the configured policy,
and writes each job's state back. Replays are deterministic, so as long as nothing else changed
the replay repeats what the last advance saw and carries on. Rows of ended jobs are final: if a
later change (a new reservation, a top-up) would replay the past differently, the ended jobs keep
what metering already read, and only the jobs still open take the new course.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from aisc.core.errors import RuleViolation
from aisc.core.simulation.embedded import EmbeddedCluster, FinishedJob, QueuedJob
from aisc.web.cluster import layout
from aisc.web.cluster.models import FINAL, ClusterClock, EmbeddedJob, JobState

# Slurm's reason for a job whose nodes cannot serve it now (down, drained, reserved).
NOT_AVAILABLE = "ReqNodeNotAvail"


def policy_name() -> str:
    return str(settings.AISC_EMBEDDED_POLICY)


def clock(epoch: dt.datetime | None = None) -> ClusterClock:
    """The cluster's clock row; the first call sets its epoch (default: now, to the minute)."""
    row = ClusterClock.objects.first()
    if row is None:
        start = epoch or timezone.now().replace(second=0, microsecond=0)
        row = ClusterClock.objects.create(epoch=start, advanced_to=start, policy=policy_name())
    return row


@dataclass
class Advance:
    """What one advance changed: the jobs that ended and the ones running now (for metering)."""

    now: dt.datetime
    ended: list[EmbeddedJob] = field(default_factory=list)
    running: list[EmbeddedJob] = field(default_factory=list)
    pending: int = 0

    def describe(self) -> str:
        return (
            f"embedded cluster at {self.now:%Y-%m-%d %H:%M}: {len(self.ended)} ended, "
            f"{len(self.running)} running, {self.pending} pending"
        )


@dataclass
class Replay:
    cluster: EmbeddedCluster
    rows: dict[int, EmbeddedJob]  # simulator job id -> row, for the jobs submitted by then
    ended: list[FinishedJob]
    refused: list[EmbeddedJob]  # jobs the cluster, as it is now, could never run


def replay(row: ClusterClock, until: dt.datetime) -> Replay:
    """The cluster replayed from its epoch to `until`."""
    allocations = layout._allocations()
    row.stops = layout.note_stops(row.stops, row.advanced_to, allocations)
    cluster = EmbeddedCluster(
        layout.cluster_spec(allocations),
        row.epoch,
        policy=row.policy,
        limits=layout.project_limits(row.epoch, row.stops, allocations),
    )
    rows: dict[int, EmbeddedJob] = {}
    ended: list[FinishedJob] = []
    refused: list[EmbeddedJob] = []
    for job in EmbeddedJob.objects.filter(submit_at__lte=until).order_by("submit_at", "id"):
        ended += cluster.advance_to(max(job.submit_at, cluster.now))
        try:
            sim_id = cluster.submit(
                account=job.account,
                user=job.user,
                gpus=job.gpus,
                duration_s=job.work_s,
                chip=job.chip,
                time_limit_s=job.time_limit_s,
            )
        except RuleViolation:  # its nodes went down or were dedicated to someone else
            refused.append(job)
            continue
        rows[sim_id] = job
    ended += cluster.advance_to(max(until, cluster.now))
    return Replay(cluster, rows, ended, refused)


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


@transaction.atomic
def advance(now: dt.datetime | None = None) -> Advance:
    """Run the cluster to `now` (default: the wall clock) and store every job's state."""
    row = ClusterClock.objects.select_for_update().filter(pk=clock().pk).get()
    now = now or timezone.now()
    if now < row.advanced_to:
        now = row.advanced_to  # another process got further: never run backwards
    replayed = replay(row, now)
    result, changed = Advance(now), []
    for done in replayed.ended:
        job = replayed.rows[done.job_id]
        fields = {
            "partition": done.partition,
            "dedicated": done.dedicated,
            "start_at": done.start,
            "end_at": done.end,
        }
        if _apply(job, done.state, reason="", **fields):
            changed.append(job)
            result.ended.append(job)
    for queued in replayed.cluster.queue():
        job = replayed.rows[queued.job_id]
        if _queued(job, queued):
            changed.append(job)
        if queued.state == JobState.RUNNING and job.state == JobState.RUNNING:
            result.running.append(job)
        elif queued.state == JobState.PENDING:
            result.pending += 1
    for job in replayed.refused:
        if _apply(job, JobState.PENDING, reason=NOT_AVAILABLE, partition="", start_at=None):
            changed.append(job)
        result.pending += int(job.state == JobState.PENDING)
    EmbeddedJob.objects.bulk_update(
        changed, ["state", "reason", "partition", "dedicated", "start_at", "end_at"], batch_size=500
    )
    row.advanced_to = now
    row.save(update_fields=["advanced_to", "stops"])
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
