"""How far a simulated schedule agrees with what a real scheduler did with the same jobs.

Both sides give, per job, its submit, start and end time (seconds, any common origin). Start
order is compared with Kendall's tau-b over all pairs of jobs (ties, which Slurm's one-second
timestamps make common, count neither way), and with the fraction of pairs ordered strictly in
both runs that are ordered the same way. Waits (start - submit) are compared job by job.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from aisc.core.errors import RuleViolation


@dataclass(frozen=True)
class Times:
    submit: float
    start: float
    end: float
    gpus: int = 1
    chip: str = ""

    @property
    def wait(self) -> float:
        return self.start - self.submit


@dataclass(frozen=True)
class Agreement:
    jobs: int
    kendall_tau_b: float
    concordant_fraction: float  # of the pairs strictly ordered in both runs
    pairs_compared: int
    mean_abs_wait_diff_s: float
    median_abs_wait_diff_s: float
    p95_abs_wait_diff_s: float
    max_abs_wait_diff_s: float
    mean_wait_diff_s: float  # simulated - real: > 0 when the simulator waits longer
    mean_wait_real_s: float
    mean_wait_sim_s: float
    makespan_real_s: float
    makespan_sim_s: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def pair_counts(xs: Sequence[float], ys: Sequence[float]) -> tuple[int, int, int, int]:
    """(concordant, discordant, tied only in x, tied only in y) over all pairs; O(n^2)."""
    concordant = discordant = ties_x = ties_y = 0
    for i in range(len(xs)):
        for j in range(i + 1, len(xs)):
            dx, dy = xs[i] - xs[j], ys[i] - ys[j]
            if dx == 0 and dy == 0:
                continue
            if dx == 0:
                ties_x += 1
            elif dy == 0:
                ties_y += 1
            elif (dx > 0) == (dy > 0):
                concordant += 1
            else:
                discordant += 1
    return concordant, discordant, ties_x, ties_y


def kendall_tau_b(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Kendall's tau-b; NaN when either side is all ties (no order to compare)."""
    concordant, discordant, ties_x, ties_y = pair_counts(xs, ys)
    denominator = math.sqrt((concordant + discordant + ties_x) * (concordant + discordant + ties_y))
    return (concordant - discordant) / denominator if denominator else math.nan


def compare(real: Mapping[str, Times], simulated: Mapping[str, Times]) -> Agreement:
    """Compare the jobs both runs have; a job missing from either side is an error."""
    missing = sorted(set(real) ^ set(simulated))
    if missing:
        raise RuleViolation(
            "jobs in only one run: %(missing)s",
            field="jobs",
            params={"missing": ", ".join(missing[:10])},
        )
    if not real:
        raise RuleViolation("no jobs to compare", field="jobs")
    keys = sorted(real)
    starts_real = [real[k].start for k in keys]
    starts_sim = [simulated[k].start for k in keys]
    concordant, discordant, _, _ = pair_counts(starts_real, starts_sim)
    strict = concordant + discordant
    waits_real = np.array([real[k].wait for k in keys])
    waits_sim = np.array([simulated[k].wait for k in keys])
    diff = waits_sim - waits_real
    gap = np.abs(diff)
    return Agreement(
        jobs=len(keys),
        kendall_tau_b=kendall_tau_b(starts_real, starts_sim),
        concordant_fraction=concordant / strict if strict else math.nan,
        pairs_compared=strict,
        mean_abs_wait_diff_s=float(gap.mean()),
        median_abs_wait_diff_s=float(np.median(gap)),
        p95_abs_wait_diff_s=float(np.percentile(gap, 95)),
        max_abs_wait_diff_s=float(gap.max()),
        mean_wait_diff_s=float(diff.mean()),
        mean_wait_real_s=float(waits_real.mean()),
        mean_wait_sim_s=float(waits_sim.mean()),
        makespan_real_s=makespan(real.values()),
        makespan_sim_s=makespan(simulated.values()),
    )


def makespan(times: Iterable[Times]) -> float:
    """Last end - first submit."""
    rows = list(times)
    return max(t.end for t in rows) - min(t.submit for t in rows)


def free_while_waiting(times: Iterable[Times], capacity: Mapping[str, int]) -> float:
    """GPU-seconds left free on a chip while some job of that chip waited: how much a scheduler
    held back (for reservations, gangs that did not fit, or between its cycles). Exact, by a
    sweep over the start, end and submit instants of each chip."""
    changes: dict[str, list[tuple[float, int, int]]] = {}  # chip -> (time, d_used, d_waiting)
    for t in times:
        events = changes.setdefault(t.chip, [])
        events += [(t.submit, 0, 1), (t.start, t.gpus, -1), (t.end, -t.gpus, 0)]
    total = 0.0
    for chip, events in changes.items():
        if chip not in capacity:
            raise RuleViolation(
                "no capacity given for chip %(chip)s",
                field="capacity",
                params={"chip": f"{chip!r}"},
            )
        used = waiting = 0
        last = -math.inf
        for time, d_used, d_waiting in sorted(events):
            if waiting > 0:
                total += (capacity[chip] - used) * (time - last)
            used, waiting, last = used + d_used, waiting + d_waiting, time
    return total


def recorded_second_end(over_s: float, hold_s: float) -> Callable[[float, float], float]:
    """When a replayed job frees its nodes, given a record in whole seconds (sacct's): a job
    recorded as running `run` seconds from the second it started ends in the `run`-th second
    after the one it starts in, where the record puts its end, whatever the phase of its start
    within its second. It ends `over_s` past that phase (what a job runs over the whole seconds
    it asked for: its launch and exit) where that stays in the recorded second, else at the
    second's last millisecond; its nodes free `hold_s` later (the controller's latency)."""
    for name, value in (("over_s", over_s), ("hold_s", hold_s)):
        if not 0.0 <= value < 1.0:
            raise RuleViolation(
                "%(name)s must be from 0 to under 1 second, not %(value)s",
                field=name,
                params={"name": name, "value": f"{value}"},
            )

    def end_at(start: float, run: float) -> float:
        second = math.floor(start + 1e-6) + run
        return min(max(start + run + over_s, second), second + 0.999) + hold_s

    return end_at
