"""A job's usage record, keyed by cluster + job id + submit time, corrected until the job ends."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from aisc.core.errors import RuleViolation

# Slurm job states after which the record never changes again (sacct(1), JOB STATE CODES).
FINAL_STATES = frozenset(
    {
        "BOOT_FAIL",
        "CANCELLED",
        "COMPLETED",
        "DEADLINE",
        "FAILED",
        "NODE_FAIL",
        "OUT_OF_MEMORY",
        "PREEMPTED",
        "TIMEOUT",
    }
)
OPEN_STATES = frozenset(
    {"PENDING", "RUNNING", "SUSPENDED", "REQUEUED", "RESIZING", "REQUEUE_HOLD", "REQUEUE_FED"}
)

RecordKey = tuple[str, str, dt.datetime]


def normal_state(raw: str) -> str:
    """'CANCELLED by 1000' → 'CANCELLED'; refuses a state Slurm does not have."""
    state = raw.strip().split(" ", 1)[0].upper()
    if state not in FINAL_STATES | OPEN_STATES:
        raise RuleViolation(
            "state: unknown Slurm job state %(raw)s", field="state", params={"raw": f"{raw!r}"}
        )
    return state


@dataclass(frozen=True)
class UsageRecord:
    cluster: str
    job_id: str
    submit: dt.datetime
    start: dt.datetime | None  # None while the job has not started
    elapsed_seconds: int
    account: str  # the Slurm account = the billing project code
    user: str
    partition: str
    state: str
    gpus: tuple[tuple[str, int], ...]  # (chip, count), sorted by chip

    def __post_init__(self) -> None:
        if self.elapsed_seconds < 0:
            raise RuleViolation(
                "elapsed: must not be negative (got %(elapsed_seconds)s s)",
                field="elapsed",
                params={"elapsed_seconds": self.elapsed_seconds},
            )
        if self.submit.tzinfo is None or (self.start is not None and self.start.tzinfo is None):
            raise RuleViolation("submit: times must be timezone-aware", field="submit")
        if not self.account:
            raise RuleViolation("account: a job record needs an account", field="account")

    @classmethod
    def checked_by_caller(
        cls,
        cluster: str,
        job_id: str,
        submit: dt.datetime,
        start: dt.datetime | None,
        elapsed_seconds: int,
        account: str,
        user: str,
        partition: str,
        state: str,
        gpus: tuple[tuple[str, int], ...],
    ) -> UsageRecord:
        """The same record as the constructor's, without its checks, for a caller that has
        made them (the sacct fast path: non-negative elapsed time, aware times and a non-empty
        account are in the shape it accepts). The frozen constructor sets each field through
        `object.__setattr__` and cost ~3 µs a record, a tenth of a million-record parse; this
        costs ~1 µs. Frozen still holds: assignment goes through __setattr__, which refuses."""
        record = object.__new__(cls)
        record.__dict__.update(
            cluster=cluster,
            job_id=job_id,
            submit=submit,
            start=start,
            elapsed_seconds=elapsed_seconds,
            account=account,
            user=user,
            partition=partition,
            state=state,
            gpus=gpus,
        )
        return record

    @property
    def key(self) -> RecordKey:
        return (self.cluster, self.job_id, self.submit)

    @property
    def final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def end(self) -> dt.datetime | None:
        if self.start is None:
            return None
        # Elapsed time is real time: add it in UTC (wall-clock arithmetic would be an hour off
        # across a summer-time change), then show the end in the start's zone.
        end = self.start.astimezone(dt.UTC) + dt.timedelta(seconds=self.elapsed_seconds)
        return end.astimezone(self.start.tzinfo)

    def gpu_seconds(self, chip: str) -> int:
        return dict(self.gpus).get(chip, 0) * self.elapsed_seconds

    @property
    def gpu_hours(self) -> Decimal:
        total = sum(count for _, count in self.gpus) * self.elapsed_seconds
        return Decimal(total) / Decimal(3600)


def corrected(stored: UsageRecord | None, fresh: UsageRecord) -> UsageRecord | None:
    """The record to keep after reading `fresh`, or None when nothing changes.

    A running job is read again and again; each reading replaces the last until the job ends.
    Once the stored record is final, later readings change nothing.
    """
    if stored is None:
        return fresh
    if stored.final or stored == fresh:
        return None
    return fresh
