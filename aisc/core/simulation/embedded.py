"""The embedded cluster of the demo: the simulator advanced by a clock, in real dates.

The web side submits grantees' jobs, advances the cluster to "now" (its clock's time), and reads
back the jobs that finished, shaped like `sacct` job records (account, user, chip, GPUs, start,
end, elapsed), so metering ingests them exactly as it ingests a real Slurm's. The same policy
code as `aisc sim` decides who runs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from aisc.core.clock import SimClock
from aisc.core.errors import RuleViolation
from aisc.core.scheduling.model import ClusterSpec, Job
from aisc.core.scheduling.policies import make_policy
from aisc.core.scheduling.policy import PolicyOptions
from aisc.core.simulation.engine import Simulator
from aisc.core.simulation.records import Outcome


@dataclass(frozen=True)
class FinishedJob:
    """One ended job, with the fields of `sacct --parsable2` the metering side reads."""

    job_id: int
    account: str  # the project code, which is the Slurm account
    user: str
    chip: str  # the chip code, which is the GRES type (gres/gpu:h800)
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


class EmbeddedCluster:
    def __init__(
        self,
        cluster: ClusterSpec,
        epoch: dt.datetime,
        *,
        policy: str = "backfill",
        options: PolicyOptions | None = None,
    ) -> None:
        if epoch.tzinfo is None:
            raise RuleViolation(
                "the embedded cluster's epoch must be timezone-aware", field="epoch"
            )
        self.clock = SimClock(epoch)
        self.spec = cluster
        self._sim = Simulator(cluster, make_policy(policy, cluster, options))
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
            raise RuleViolation(f"gpus {gpus} must be at least 1", field="gpus")
        if duration_s < 0:
            raise RuleViolation(f"duration {duration_s} s must be >= 0", field="duration_s")
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
            raise RuleViolation(f"job cannot run on this cluster: {reason}", field="gpus")
        self._sim.submit(job)
        return job.id

    def advance_to(self, when: dt.datetime) -> list[FinishedJob]:
        """Run the cluster up to `when`; the jobs that ended since the last call."""
        target = self._seconds(when)
        if target < self._sim.now:
            raise RuleViolation(f"cannot advance back in time to {when.isoformat()}", field="when")
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

    def _collect(self, job: Job) -> None:
        epoch, record = self.clock.epoch, self._sim.record
        chip = self._sim.cluster.groups[job.placement[0]].chip
        state = "COMPLETED" if record.outcome[job.id] == Outcome.DONE else "TIMEOUT"
        self._finished.append(
            FinishedJob(
                job_id=job.id,
                account=job.project,
                user=job.user,
                chip=chip,
                gpus=job.gpus,
                submit=epoch + dt.timedelta(seconds=job.submit),
                start=epoch + dt.timedelta(seconds=job.first_start),
                end=epoch + dt.timedelta(seconds=job.end),
                state=state,
            )
        )
