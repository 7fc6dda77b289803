"""One seed of a plan: the scenario's jobs run month by month on the simulator's engine.

Each stretch of fixed inventory (aisc.core.capacity.inventory) is one `Simulator` under the
scenario's policy; the jobs of each month are handed to it as the month begins, and the run is
advanced to the month's end, where the month is counted: GPU-hours delivered (the GPU-seconds
jobs ran in it, so never more than the nodes could give), work expired and work still waiting.
Where the inventory changes, the jobs still running are checkpointed and, with the queue, go on
in the next stretch's cluster before anything that arrives later (ideal checkpointing, as the
simulator's preemption). An award's queued work is taken back at the end of the month its award
ends (`Policy.withdraw`): that work is awarded but undeliverable. Replayed metered jobs start
on arrival (they already ran); the piece of one that goes on into the next month arrives at the
month's end instant with the GPUs its first piece frees there, before the policy sees the queue,
and is counted in the next month.

Conservation, per chip: demand = delivered + expired + the backlog at the horizon's end, over
any prefix of months, with the backlog at that month's end (tests/core/capacity).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from aisc.core.capacity.demand import HOUR, Demand, draw_demand
from aisc.core.capacity.inventory import Stretch, month_edges, stretches
from aisc.core.capacity.scenario import SIZES, Scenario
from aisc.core.scheduling.model import ClusterSpec, Job
from aisc.core.scheduling.policies import make_policy
from aisc.core.scheduling.policy import PolicyOptions
from aisc.core.simulation.engine import Simulator

WAIT_GROUPS = ("all", *SIZES)
# Priorities re-ranked hourly, not every 5 minutes as Slurm's PriorityCalcPeriod: jobs here run
# for hours to days, and an overloaded month holds thousands of queued jobs to rank each time.
OPTIONS = PolicyOptions(calc_period_s=3600.0)


@dataclass
class SeedRun:
    """One seed's months x chips; waits also by size group (WAIT_GROUPS), NaN where none."""

    seed: int
    jobs: int
    demand_h: np.ndarray
    delivered_h: np.ndarray
    expired_h: np.ndarray
    backlog_h: np.ndarray  # work arrived and not yet delivered nor expired, at month end
    wait_p50_h: np.ndarray  # [month, chip, group]
    wait_p95_h: np.ndarray


@dataclass
class _State:
    demand: Demand
    chip: np.ndarray  # chip index per job
    deadline: np.ndarray  # project end per job, seconds
    remaining: np.ndarray  # run seconds left per job, brought up to date at stretch ends
    first_start: np.ndarray
    months: int
    chips: int
    delivered: np.ndarray = field(init=False)
    expired: np.ndarray = field(init=False)
    backlog: np.ndarray = field(init=False)
    counted: np.ndarray = field(init=False)  # GPU-s delivered and counted in earlier months

    def __post_init__(self) -> None:
        self.delivered = np.zeros((self.months, self.chips))
        self.expired = np.zeros((self.months, self.chips))
        self.backlog = np.zeros((self.months, self.chips))
        self.counted = np.zeros(self.chips)


class _Stretch:
    """The simulator of one stretch and the jobs it holds, keyed by the engine's job id."""

    def __init__(self, state: _State, scenario: Scenario, part: Stretch, base: np.ndarray) -> None:
        self.state, self.part, self.base = state, part, base
        self.live: dict[int, tuple[int, Job]] = {}
        self.outside: list[int] = []  # jobs this stretch's cluster cannot hold (e.g. no chip)
        self.done = np.zeros(state.chips)  # GPU-s of jobs ended in this stretch
        self.sim: Simulator | None = None
        if part.groups:
            spec = ClusterSpec(part.groups)
            self.sim = Simulator(spec, make_policy(scenario.policy, spec, OPTIONS))
            self.sim.on_finish = self._finished
            self.sim.advance(part.start)

    def enter(self, idx: int, at: float) -> None:
        d, state = self.state.demand, self.state
        job = Job(
            0,
            at,
            int(d.gpus[idx]),
            float(state.remaining[idx]),
            project=d.projects[int(d.project[idx])].name,
            chip=self._chip_name(idx),
        )
        if self.sim is None or self.sim.cluster.why_unschedulable(job) is not None:
            self.outside.append(idx)
            return
        self.sim.submit(job, at_once=bool(d.at_once[idx]))
        self.live[job.id] = (idx, job)

    def _chip_name(self, idx: int) -> str:
        d = self.state.demand
        return d.projects[int(d.project[idx])].chip

    def _finished(self, job: Job) -> None:
        idx, _ = self.live.pop(job.id)
        self.done[self.state.chip[idx]] += job.attained
        self._note_start(idx, job)

    def _note_start(self, idx: int, job: Job) -> None:
        if self.state.first_start[idx] < 0.0 and job.first_start >= 0.0:
            self.state.first_start[idx] = job.first_start

    def advance(self, until: float) -> None:
        if self.sim is not None:
            self.sim.advance(until)

    def delivered_so_far(self, now: float) -> np.ndarray:
        """GPU-seconds run in this stretch up to `now`, per chip, on top of earlier stretches."""
        total = self.base + self.done
        for idx, job in self._running():
            total[self.state.chip[idx]] += job.attained + (now - job.run_since) * job.gpus
        return total

    def _running(self) -> list[tuple[int, Job]]:
        if self.sim is None:
            return []
        return [self.live[job.id] for job in self.sim.running_jobs()]

    def close_month(self, month: int, now: float) -> None:
        state = self.state
        total = self.delivered_so_far(now)
        state.delivered[month] = (total - state.counted) / HOUR
        state.counted = total
        running = {job.id for _, job in self._running()}
        submit = state.demand.submit
        for key, (idx, job) in list(self.live.items()):
            if submit[idx] >= now:
                continue  # a replayed piece arrived at the month's end: next month's
            self._note_start(idx, job)
            left = job.remaining - ((now - job.run_since) if key in running else 0.0)
            if key not in running and state.deadline[idx] <= now:
                self._withdraw(job)
                del self.live[key]
                state.remaining[idx] = 0.0
                state.expired[month, state.chip[idx]] += left * job.gpus / HOUR
            else:
                state.backlog[month, state.chip[idx]] += left * job.gpus / HOUR
        kept = []
        for idx in self.outside:
            if submit[idx] >= now:
                kept.append(idx)
                continue
            gpu_h = state.remaining[idx] * state.demand.gpus[idx] / HOUR
            if state.deadline[idx] <= now:
                state.remaining[idx] = 0.0
                state.expired[month, state.chip[idx]] += gpu_h
            else:
                kept.append(idx)
                state.backlog[month, state.chip[idx]] += gpu_h
        self.outside = kept

    def _withdraw(self, job: Job) -> None:
        """Every live job that is not running is in the policy's queue (it has arrived)."""
        assert self.sim is not None  # a live job is in a simulator
        self.sim.policy.withdraw(job)
        self.sim.pending -= 1

    def carry(self, now: float) -> list[int]:
        """Jobs for the next stretch, running ones first: their remaining work brought to now."""
        running = {job.id for _, job in self._running()}
        first: list[int] = []
        rest: list[int] = []
        for key, (idx, job) in self.live.items():
            ran = (now - job.run_since) if key in running else 0.0
            self.state.remaining[idx] = max(job.remaining - ran, 0.0)
            (first if key in running else rest).append(idx)
        return sorted(first) + sorted(rest + self.outside)


def run_seed(scenario: Scenario, seed: int) -> SeedRun:
    """Draw the scenario's demand with `numpy.random.default_rng(seed)` and simulate it."""
    demand = draw_demand(scenario, np.random.default_rng(seed))
    chips = scenario.chips()
    index = {chip: i for i, chip in enumerate(chips)}
    per_project = np.array([index[p.chip] for p in demand.projects], dtype=np.int64)
    ends = np.array([p.end_s for p in demand.projects])
    edges = month_edges(scenario)
    state = _State(
        demand,
        per_project[demand.project] if len(demand) else np.zeros(0, np.int64),
        ends[demand.project] if len(demand) else np.zeros(0),
        demand.work.copy(),
        np.full(len(demand), -1.0),
        scenario.months,
        len(chips),
    )
    _simulate(scenario, state, stretches(scenario), edges)
    month_of = np.searchsorted(edges, demand.submit, side="right") - 1
    demand_h = np.zeros((scenario.months, len(chips)))
    np.add.at(demand_h, (month_of, state.chip), demand.gpus * demand.work / HOUR)
    p50, p95 = _waits(scenario, demand, state, edges)
    return SeedRun(
        seed, len(demand), demand_h, state.delivered, state.expired, state.backlog, p50, p95
    )


def _simulate(scenario: Scenario, state: _State, parts: list[Stretch], edges: np.ndarray) -> None:
    submit, at_once, cursor = state.demand.submit, state.demand.at_once, 0
    carried: list[int] = []
    base = np.zeros(state.chips)
    month = 0
    for part in parts:
        stretch = _Stretch(state, scenario, part, base)
        for idx in carried:
            stretch.enter(idx, part.start)
        while True:
            until = min(edges[month + 1], part.end)
            # Replayed pieces that arrive at `until` enter now, so that they take the GPUs their
            # first pieces free there before the policy starts anything from the queue.
            while cursor < len(submit) and (
                submit[cursor] < until or (submit[cursor] == until and at_once[cursor])
            ):
                stretch.enter(cursor, float(submit[cursor]))
                cursor += 1
            stretch.advance(until)
            if until == edges[month + 1]:
                stretch.close_month(month, until)
                month += 1
            if until >= part.end:
                break
        base = stretch.delivered_so_far(part.end)
        carried = stretch.carry(part.end)


def _waits(
    scenario: Scenario, demand: Demand, state: _State, edges: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    shape = (scenario.months, state.chips, len(WAIT_GROUPS))
    p50, p95 = np.full(shape, np.nan), np.full(shape, np.nan)
    started = (state.first_start >= 0.0) & ~demand.at_once  # replayed jobs did not queue here
    if not started.any():
        return p50, p95
    sizes = np.array([SIZES.index(p.size) + 1 for p in demand.projects])[demand.project]
    month = np.searchsorted(edges, state.first_start, side="right") - 1
    wait_h = (state.first_start - demand.submit) / HOUR
    for m in range(scenario.months):
        for c in range(state.chips):
            here = started & (month == m) & (state.chip == c)
            for g in range(len(WAIT_GROUPS)):
                chosen = wait_h[here if g == 0 else here & (sizes == g)]
                if len(chosen):
                    p50[m, c, g], p95[m, c, g] = np.percentile(chosen, [50, 95])
    return p50, p95
