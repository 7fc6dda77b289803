"""The embedded cluster of the demo: the simulator advanced by a clock, in real dates.

The web side submits grantees' jobs, advances the cluster to "now" (its clock's time), and reads
back the jobs that finished, shaped like `sacct` job records (account, user, chip, GPUs, start,
end, elapsed), so metering ingests them exactly as it ingests a real Slurm's. The same policy
code as `aisc sim` decides who runs.
"""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Mapping
from dataclasses import dataclass

from aisc.core.clock import SimClock
from aisc.core.errors import RuleViolation
from aisc.core.scheduling.gate import GatedPolicy, Limits
from aisc.core.scheduling.model import ClusterSpec, Job
from aisc.core.scheduling.policies import make_policy
from aisc.core.scheduling.policy import PolicyOptions
from aisc.core.simulation.engine import Simulator
from aisc.core.simulation.records import Outcome, Segments, Timeline


@dataclass(frozen=True)
class FinishedJob:
    """One ended job, with the fields of `sacct --parsable2` the metering side reads."""

    job_id: int
    account: str  # the project code, which is the Slurm account
    user: str
    chip: str  # the chip code, which is the GRES type (gres/gpu:h800)
    partition: str
    dedicated: bool  # it ran on nodes reserved for its project
    gpus: int
    submit: dt.datetime
    start: dt.datetime
    end: dt.datetime
    state: str  # COMPLETED or TIMEOUT

    @property
    def elapsed_s(self) -> int:
        return round((self.end - self.start).total_seconds())

    @property
    def gpu_seconds(self) -> int:
        return self.gpus * self.elapsed_s


@dataclass(frozen=True)
class QueuedJob:
    """A job not yet ended, as `squeue` shows it: RUNNING since `start`, or PENDING with a
    reason (Slurm's words: Resources, AssocGrpJobsLimit, AssocGrpGRESMinutes)."""

    job_id: int
    account: str
    user: str
    chip: str | None  # where it runs, or the chip it asked for
    partition: str  # where it runs; "" while pending
    dedicated: bool  # it runs on nodes reserved for its project
    gpus: int
    submit: dt.datetime
    start: dt.datetime | None
    state: str  # RUNNING or PENDING
    reason: str


class EmbeddedCluster:
    """`limits` (project -> `Limits`, in seconds from `epoch`) are the allocations' limits,
    enforced in front of the policy as Slurm enforces them (aisc.core.scheduling.gate)."""

    def __init__(
        self,
        cluster: ClusterSpec,
        epoch: dt.datetime,
        *,
        policy: str = "backfill",
        options: PolicyOptions | None = None,
        limits: Mapping[str, Limits] | None = None,
    ) -> None:
        if epoch.tzinfo is None:
            raise RuleViolation(
                "the embedded cluster's epoch must be timezone-aware", field="epoch"
            )
        self.clock = SimClock(epoch)
        self.spec = cluster
        options = options or PolicyOptions()
        inner = make_policy(policy, cluster, options)
        self.gate = GatedPolicy(cluster, options, inner, limits or {})
        self._sim = Simulator(cluster, self.gate)
        self._jobs: dict[int, Job] = {}
        self._sim.on_finish = self._collect
        self._finished: list[FinishedJob] = []

    @property
    def now(self) -> dt.datetime:
        return self.clock.now()

    def _seconds(self, when: dt.datetime) -> float:
        return (when - self.clock.epoch).total_seconds()

    def submit(
        self,
        *,
        account: str,
        user: str,
        gpus: int,
        duration_s: float,
        chip: str | None = None,
        time_limit_s: float | None = None,
        qos: str = "normal",
    ) -> int:
        """Queue a job now; its id. A job the cluster can never run is refused, naming why."""
        if gpus < 1:
            raise RuleViolation(
                "gpus %(gpus)s must be at least 1", field="gpus", params={"gpus": gpus}
            )
        if duration_s < 0:
            raise RuleViolation(
                "duration %(duration_s)s s must be >= 0",
                field="duration_s",
                params={"duration_s": duration_s},
            )
        job = Job(
            0,
            self._sim.now,
            gpus,
            float(duration_s),
            time_limit=time_limit_s,
            project=account,
            user=user,
            qos=qos,
            chip=chip,
        )
        reason = self._sim.cluster.why_unschedulable(job)
        if reason is not None:
            raise RuleViolation(
                "job cannot run on this cluster: %(reason)s",
                field="gpus",
                params={"reason": reason},
            )
        self._sim.submit(job)
        self._jobs[job.id] = job
        return job.id

    def advance_to(self, when: dt.datetime) -> list[FinishedJob]:
        """Run the cluster up to `when`; the jobs that ended since the last call."""
        target = self._seconds(when)
        if target < self._sim.now:
            raise RuleViolation(
                "cannot advance back in time to %(when)s",
                field="when",
                params={"when": when.isoformat()},
            )
        self._sim.advance(target)
        self.clock.seconds = self._sim.now
        done, self._finished = self._finished, []
        return done

    @property
    def running(self) -> int:
        return len(self._sim.running)

    @property
    def waiting(self) -> int:
        return self._sim.pending

    def seconds_to_time(self, seconds: float) -> dt.datetime:
        return self.clock.epoch + dt.timedelta(seconds=seconds)

    def queue(self) -> list[QueuedJob]:
        """Jobs not yet ended, running first, each group in submit order."""
        groups = self._sim.cluster.groups
        result = []
        for job in sorted(self._jobs.values(), key=lambda j: (j.id not in self._sim.running, j.id)):
            running = job.id in self._sim.running
            group = groups[job.placement[0]].spec if running else None
            result.append(
                QueuedJob(
                    job_id=job.id,
                    account=job.project,
                    user=job.user,
                    chip=group.chip if group else job.chip,
                    partition=group.partition if group else "",
                    dedicated=bool(group and group.reserved_for),
                    gpus=job.gpus,
                    submit=self.seconds_to_time(job.submit),
                    start=self.seconds_to_time(job.first_start) if running else None,
                    state="RUNNING" if running else "PENDING",
                    reason="" if running else self.gate.reasons.get(job.id, "Resources"),
                )
            )
        return result

    def snapshot(self) -> bytes:
        """Everything needed to carry on from here (`restore`), so that a later advance costs
        what the jobs still live cost instead of a replay from the epoch. The simulator's
        timeline and run segments are dropped first: this cluster never reads them, and they
        grow with history. Restoring unpickles: callers keep snapshots where only they write,
        and check them (aisc.web.cluster.checkpoint seals them with the site's secret key)."""
        self._sim.timeline, self._sim.record.segments = Timeline(), Segments()
        return pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def restore(data: bytes) -> EmbeddedCluster:
        """The cluster a `snapshot` holds; a RuleViolation for anything else."""
        try:
            cluster = pickle.loads(data)  # noqa: S301 - the caller vouches for the bytes
        except Exception as exc:  # a truncated blob or one from classes since renamed
            raise RuleViolation(
                "snapshot: unreadable (%(exc)s)", field="snapshot", params={"exc": exc}
            ) from exc
        if not isinstance(cluster, EmbeddedCluster):
            raise RuleViolation(
                "snapshot: holds a %(name)s, not an embedded cluster",
                field="snapshot",
                params={"name": type(cluster).__name__},
            )
        return cluster

    def _collect(self, job: Job) -> None:
        del self._jobs[job.id]
        epoch, record = self.clock.epoch, self._sim.record
        group = self._sim.cluster.groups[job.placement[0]].spec
        state = "COMPLETED" if record.outcome[job.id] == Outcome.DONE else "TIMEOUT"
        self._finished.append(
            FinishedJob(
                job_id=job.id,
                account=job.project,
                user=job.user,
                chip=group.chip,
                partition=group.partition,
                dedicated=group.reserved_for is not None,
                gpus=job.gpus,
                submit=epoch + dt.timedelta(seconds=job.submit),
                start=epoch + dt.timedelta(seconds=job.first_start),
                end=epoch + dt.timedelta(seconds=job.end),
                state=state,
            )
        )
