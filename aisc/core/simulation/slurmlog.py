"""What slurmctld's log (SlurmctldDebug=info) says about a run, to the millisecond.

sacct keeps whole seconds; the log stamps each line `[YYYY-MM-DDTHH:MM:SS.mmm]` (UTC on the
test cluster) and records, per job:
- `_slurm_rpc_submit_batch_job: JobId=N InitPrio=P`: when it was submitted, with the priority
  it got then (from the fair-share factors of the decay thread's last pass);
- `sched: Allocate JobId=N` (the main loop) or `sched/backfill: _start_job: Started JobId=N`
  (the backfill cycle): when it started, and which loop started it;
- `_job_complete: JobId=N done`: when it ended;
and, at SlurmctldDebug=debug with DebugFlags=Priority, every main-loop pass, backfill cycle and
decay-thread pass, whether or not it started a job.
From these, `backfill_cycles`, `wake_ups` and `decay_phase` read when the backfill cycle, the
background thread and the decay thread came round in that run, so a comparison need not guess.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

_LINE = re.compile(r"^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)\] (.*)$")
_SUBMIT = re.compile(r"_slurm_rpc_submit_batch_job: JobId=(\d+) InitPrio=(\d+)")
_MAIN = re.compile(r"sched: Allocate JobId=(\d+)")
_BACKFILL = re.compile(r"sched/backfill: _start_job: Started JobId=(\d+)")
_END = re.compile(r"_job_complete: JobId=(\d+) done")
# At SlurmctldDebug=debug and DebugFlags=Priority: every pass of each thread.
_PASS = re.compile(r"sched: Running job scheduler for (full queue|default depth)")
_CYCLE = re.compile(r"_attempt_backfill: beginning")
_DECAY = re.compile(r"Fair Tree fairshare algorithm, starting at root")
# Starts of one backfill cycle lie within milliseconds of each other.
SAME_CYCLE_S = 0.05


@dataclass
class SlurmLog:
    """Per job id: submission (time, initial priority), start (time, loop), end; seconds since
    the epoch."""

    submits: dict[str, tuple[float, int]] = field(default_factory=dict)
    starts: dict[str, tuple[float, str]] = field(default_factory=dict)
    ends: dict[str, float] = field(default_factory=dict)
    # Logged at debug level only (empty otherwise): main-loop passes (time, over the full
    # queue?), backfill cycles and decay-thread passes, in log order.
    passes: list[tuple[float, bool]] = field(default_factory=list)
    cycles: list[float] = field(default_factory=list)
    decays: list[float] = field(default_factory=list)

    def complete(self, ids: Iterable[str]) -> bool:
        """Whether the log has the submission, start and end of every one of `ids`."""
        return all(i in self.submits and i in self.starts and i in self.ends for i in ids)

    def times(self, job_id: str) -> tuple[float, float, float]:
        return self.submits[job_id][0], self.starts[job_id][0], self.ends[job_id]


def parse(text: str) -> SlurmLog:
    log = SlurmLog()
    for line in text.splitlines():
        match = _LINE.match(line)
        if match is None:
            continue
        stamp = dt.datetime.fromisoformat(match.group(1)).replace(tzinfo=dt.UTC).timestamp()
        body = match.group(2)
        if found := _SUBMIT.search(body):
            log.submits[found.group(1)] = (stamp, int(found.group(2)))
        elif found := _MAIN.search(body):
            log.starts[found.group(1)] = (stamp, "main")
        elif found := _BACKFILL.search(body):
            log.starts[found.group(1)] = (stamp, "backfill")
        elif found := _END.search(body):
            log.ends[found.group(1)] = stamp
        elif found := _PASS.search(body):
            log.passes.append((stamp, found.group(1) == "full queue"))
        elif _CYCLE.search(body):
            log.cycles.append(stamp)
        elif _DECAY.search(body):
            log.decays.append(stamp)
    return log


def backfill_cycles(log: SlurmLog) -> tuple[float, ...]:
    """When the backfill cycles that started a job ran (starts within SAME_CYCLE_S of each
    other are one cycle)."""
    times = sorted(t for t, loop in log.starts.values() if loop == "backfill")
    return tuple(t for i, t in enumerate(times) if i == 0 or t - times[i - 1] > SAME_CYCLE_S)


def wake_ups(
    log: SlurmLog, *, after_end_s: float = 0.1, drift_s: float = 0.01, slack_s: float = 0.03
) -> tuple[float, ...]:
    """When slurmctld's background thread woke and ran the main loop, as far as the log shows:
    the passes that started a job no sooner than `after_end_s` after a job ended (a job ending
    runs the main loop at once, off this clock) and lie a whole number of its one-second turns
    after the previous such pass (each turn `drift_s` late at most, `slack_s` besides). Other
    passes (after an epilog completes, say) fall off that chain; the chain is started from
    whichever of the first few passes keeps the most."""
    ends = sorted(log.ends.values())
    passes = sorted(
        {
            t
            for t, loop in log.starts.values()
            if loop == "main" and not _soon_after(ends, t, after_end_s)
        }
    )
    best: list[float] = []
    for start in range(min(len(passes), 5)):
        chain = [passes[start]]
        for t in passes[start + 1 :]:
            gap = t - chain[-1]
            turns = round(gap)
            if turns >= 1 and abs(gap - turns) <= drift_s * turns + slack_s:
                chain.append(t)
        if len(chain) > len(best):
            best = chain
    return tuple(best)


def _soon_after(ends: list[float], t: float, within: float) -> bool:
    i = bisect.bisect_right(ends, t)
    return i > 0 and t - ends[i - 1] < within


def decay_phase(
    log: SlurmLog, account_of: Mapping[str, str], period: float
) -> tuple[float, float] | None:
    """When in each `period` the decay thread recalculates, as (earliest, latest) seconds into
    the period counted from the epoch, or None where the log does not show it.

    A pass lies between two submissions of one account whose initial priorities differ; the
    passes keep one phase (the thread waits for absolute times), so those intervals, taken
    modulo the period, intersect where the passes were."""
    low, high = -math.inf, math.inf
    last: dict[str, tuple[float, int]] = {}
    for job_id, (stamp, prio) in sorted(log.submits.items(), key=lambda item: item[1][0]):
        account = account_of.get(job_id)
        if account is None:
            continue
        before = last.get(account)
        last[account] = (stamp, prio)
        if before is None or before[1] == prio:
            continue
        start = before[0] % period
        end = start + (stamp - before[0])
        if end - start >= period:  # a pass somewhere in a whole period: no news
            continue
        if math.isfinite(low):  # move the interval by whole periods to meet the others
            start, end = (start + period, end + period) if end < low else (start, end)
            start, end = (start - period, end - period) if start > high else (start, end)
        low, high = max(low, start), min(high, end)
    if not math.isfinite(low) or low > high:
        return None
    return low, high
