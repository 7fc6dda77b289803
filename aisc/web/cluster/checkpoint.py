"""Where the last advance left the embedded cluster, so the next one carries on from there.

Replaying every stored job from the epoch costs more as history grows, so each advance stores
the simulator as it left it (`EmbeddedCluster.snapshot`), with the rows of
the jobs still live; the next advance restores it and submits only the jobs stored since. The
result is the same as a full replay (the replay is deterministic and a snapshot holds all of
its state; tests/web/cluster/test_checkpoint.py compares the two), provided the inputs are the
same, so a checkpoint is used only when:

- it was taken at the clock's `advanced_to` (the last advance wrote it with its rows);
- its key still matches: the node groups, fair-share shares, every project's limits (dates,
  budgets, stops), the policy and the epoch (a top-up, a suspension, a node down or a new
  dedicated node changes the key, and that advance replays from the epoch as before);
- the jobs submitted by then are the ones it saw (count and highest id): a job stored late with
  an earlier submit time, which a full replay would fit into the past, forces a full replay;
- its seal (an HMAC of the state with the SECRET_KEY) is right: restoring unpickles, so a state
  not written by this site is never read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Max

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.gate import Limits
from aisc.core.scheduling.model import ClusterSpec
from aisc.core.simulation.embedded import EmbeddedCluster, FinishedJob
from aisc.web.cluster.models import ClusterCheckpoint, ClusterClock, EmbeddedJob

# Part of the key: bump it when the simulator's classes change shape, and older checkpoints
# are left unused (a full replay writes a new one).
FORMAT = 1


@dataclass
class Replay:
    """The cluster run to some instant, with the rows of the jobs it holds."""

    cluster: EmbeddedCluster
    rows: dict[int, EmbeddedJob]  # simulator job id -> row, for the jobs submitted by then
    refused: list[EmbeddedJob]  # jobs the cluster, as it is now, could never run
    submitted: int = 0  # jobs stored with a submit time up to now, refused ones included
    last_job: int = 0  # the highest id among them
    ended: list[FinishedJob] = field(default_factory=list)
    resumed: bool = False  # carried on from a checkpoint rather than from the epoch
    key: str = ""

    def submit(self, job: EmbeddedJob) -> None:
        """Submit a stored job at its submit time (or now, if the cluster is past it)."""
        self.ended += self.cluster.advance_to(max(job.submit_at, self.cluster.now))
        self.submitted += 1
        self.last_job = max(self.last_job, job.pk)
        try:
            sim_id = self.cluster.submit(
                account=job.account,
                user=job.user,
                gpus=job.gpus,
                duration_s=job.work_s,
                chip=job.chip,
                time_limit_s=job.time_limit_s,
            )
        except RuleViolation:  # its nodes went down or were dedicated to someone else
            self.refused.append(job)
            return
        self.rows[sim_id] = job


def key(spec: ClusterSpec, limits: Mapping[str, Limits], policy: str, epoch: dt.datetime) -> str:
    """A digest of everything a replay depends on besides the jobs."""
    inputs = {
        "format": FORMAT,
        "groups": [dataclasses.astuple(group) for group in spec.groups],
        "shares": spec.shares,
        "limits": {code: dataclasses.asdict(limit) for code, limit in limits.items()},
        "policy": policy,
        "epoch": epoch.isoformat(),
    }
    canonical = json.dumps(inputs, sort_keys=True, default=str)  # default: budgets' Mapping
    return hashlib.sha256(canonical.encode()).hexdigest()


def resume(clock: ClusterClock, current: str) -> Replay | None:
    """The run the last advance left, if it still holds for inputs with key `current`."""
    saved = ClusterCheckpoint.objects.filter(clock=clock).first()
    if saved is None or saved.at != clock.advanced_to or saved.key != current:
        return None
    seen = EmbeddedJob.objects.filter(submit_at__lte=saved.at).aggregate(
        n=Count("id"), top=Max("id")
    )
    if (seen["n"], seen["top"] or 0) != (saved.submitted, saved.last_job):
        return None  # a job stored late with an earlier submit time, or one removed
    state = bytes(saved.state)
    if not hmac.compare_digest(saved.seal, seal(state)):
        return None
    try:
        cluster = EmbeddedCluster.restore(state)
    except RuleViolation:  # sealed by this site, but by classes of another shape
        return None
    live = {int(sim_id): pk for sim_id, pk in saved.rows.items()}
    by_pk = EmbeddedJob.objects.in_bulk([*live.values(), *saved.refused])
    return Replay(
        cluster,
        {sim_id: by_pk[pk] for sim_id, pk in live.items()},
        [by_pk[pk] for pk in saved.refused],
        submitted=saved.submitted,
        last_job=saved.last_job,
        resumed=True,
    )


def seal(state: bytes) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), state, hashlib.sha256).hexdigest()


def save(clock: ClusterClock, run: Replay) -> None:
    """Store `run` as the checkpoint at the clock's `advanced_to` (replacing the last one)."""
    live = {str(queued.job_id): run.rows[queued.job_id].pk for queued in run.cluster.queue()}
    state = run.cluster.snapshot()
    ClusterCheckpoint.objects.update_or_create(
        clock=clock,
        defaults={
            "at": clock.advanced_to,
            "key": run.key,
            "submitted": run.submitted,
            "last_job": run.last_job,
            "state": state,
            "seal": seal(state),
            "rows": live,
            "refused": [job.pk for job in run.refused],
        },
    )
