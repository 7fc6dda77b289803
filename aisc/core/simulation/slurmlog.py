"""What slurmctld's log (SlurmctldDebug=info) says about a run, to the millisecond.

sacct keeps whole seconds; the log stamps each line `[YYYY-MM-DDTHH:MM:SS.mmm]` (UTC on the
test cluster) and records, per job:
- `_slurm_rpc_submit_batch_job: JobId=N InitPrio=P`: when it was submitted, with the priority
  it got then (from the fair-share factors of the decay thread's last pass);
- `sched: Allocate JobId=N` (the main loop) or `sched/backfill: _start_job: Started JobId=N`
  (the backfill cycle): when it started, and which loop started it;
- `_job_complete: JobId=N done`: when it ended.
From these, `backfill_clock` and `decay_phase` read where the backfill cycle and the decay
thread fell on the wall clock in that run, so a comparison need not guess their phase.
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
# Starts of one backfill cycle lie within milliseconds of each other.
SAME_CYCLE_S = 0.05


@dataclass
class SlurmLog:
    """Per job id: submission (time, initial priority), start (time, loop), end; seconds since
    the epoch."""

    submits: dict[str, tuple[float, int]] = field(default_factory=dict)
    starts: dict[str, tuple[float, str]] = field(default_factory=dict)
    ends: dict[str, float] = field(default_factory=dict)

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
    return log


def backfill_clock(log: SlurmLog, interval: float) -> tuple[float, float] | None:
    """(the wall time of one cycle, the period between cycles), fitted to the cycles that
    started a job. Slurm sleeps `interval` after each cycle ends, so the period is the interval
    plus a cycle's own run time, and the phase drifts; None with fewer than two such cycles."""
    times = sorted(t for t, loop in log.starts.values() if loop == "backfill")
    cycles = [t for i, t in enumerate(times) if i == 0 or t - times[i - 1] > SAME_CYCLE_S]
    if len(cycles) < 2:
        return None
    first, last = cycles[0], cycles[-1]
    steps = round((last - first) / interval)
    return first, ((last - first) / steps if steps else interval)


def wake_clock(
    log: SlurmLog, *, after_end_s: float = 0.1, tolerance_s: float = 0.02
) -> tuple[float, float] | None:
    """(the wall time of one wake-up, the period) of slurmctld's background thread, fitted to
    the main-loop passes it ran: those that started a job and came no sooner than
    `after_end_s` after a job ended (a job ending runs the main loop at once, off this clock).
    The thread sleeps about a second per loop and drifts by milliseconds a loop; the fit is
    the period in [1.000, 1.010] s and phase that put the most passes within `tolerance_s` of
    a wake-up (the closest on ties). None with fewer than three such passes."""
    ends = sorted(log.ends.values())
    passes = sorted(
        {
            t
            for t, loop in log.starts.values()
            if loop == "main" and not _soon_after(ends, t, after_end_s)
        }
    )
    if len(passes) < 3:
        return None
    first, best = passes[0], (0, 0.0, 0.0, 1.0)
    for step in range(101):
        period = 1.0 + step * 1e-4
        phases = [(t - first) % period for t in passes]
        for phase in phases:
            gaps = [min(abs(p - phase), period - abs(p - phase)) for p in phases]
            near = [gap for gap in gaps if gap <= tolerance_s]
            score = (len(near), -sum(near), phase, period)  # most passes, then the closest
            if score[:2] > best[:2]:
                best = score
    return first + best[2], best[3]


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
