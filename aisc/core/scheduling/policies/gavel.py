"""Gavel's round-based mechanism (Narayanan et al., OSDI'20 §5) under its four headline policies.

`gavel-fifo`, `gavel-fifo-perf`, `gavel-las`, `gavel-las-perf`: the allocation X (time share
per job and chip type, `aisc.core.scheduling.timeshare`) is realised in rounds as Gavel's
simulator (stanford-futuredata/gavel, scheduler/scheduler.py) does:

- **Rounds** of `round_s` (360 s, Gavel's `time_per_iteration`). A round ends when it is due or
  when every job it runs has ended, whichever first; jobs that end early leave their GPUs idle
  to the end of the round, and arrivals wait for the next round. A round that runs nothing
  waits for the next arrival, as Gavel's simulator jumps to it; with none to come, the
  allocation is recomputed at once (Gavel forces a reset), so a trace's last jobs still finish.
  The time a round's jobs are credited runs from the end of the last round that ran a job.
- **Allocations change only when the job set has**: the allocation is recomputed when jobs
  arrived or ended since the last computation, and at most every `reset_interval_s` (Gavel's
  `minimum_time_between_allocation_resets`, 1,920 s; as there, the interval does not hold
  while the last reset is at time 0); a job that arrived since has no allocation yet
  (priority 0), and Gavel's four never start it: the selection may still pick it, and count
  its GPUs as taken, but Gavel's worker assignment skips a job not in the allocation
  (`_schedule_jobs_on_workers` at c4fa400), so those GPUs idle for the round. `srsf-perf`
  (ours) starts it.
- **Priorities**: at each reset every active job's time on each type is set to half a round,
  and since then it accumulates the time the job ran there; priority(m, j) = X[m, j] / (time of
  m on j / time of all jobs on j), so a job behind its share comes first; ties by deficit
  (time owed at the last reset), then allocation.
- **Selection**, type by type (agnostic policies: types in a seeded random order each round, as
  Gavel shuffles them; `-perf`: in the cluster's order), jobs in priority order: a job runs on
  the first type where its gang fits in what is left. FIFO skips jobs of priority 0; LAS lets
  them use what its allocations left free (Gavel's behaviour, work-conserving).
- **Preemption is free** in Gavel: a job moved or paused loses nothing, so these policies'
  `restart_s` defaults to 0 (the other preemptive policies' to 30 s); a `restart_s` adds a cost
  per resumption; jobs that continue on their type are never touched.
"""

from __future__ import annotations

import math
import random

import numpy as np

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.model import ClusterSpec, Job
from aisc.core.scheduling.policy import Context, Policy, PolicyOptions
from aisc.core.scheduling.timeshare import (
    LpSolver,
    agnostic_max_min,
    fifo_allocation,
    perf_max_min,
    perf_srsf,
)

NO_FRACTION_PRIORITY = 1e9  # Gavel: X x 1e9 for a job with no time on the type yet


class GavelRounds(Policy):
    """Base of the four; `mode` picks the allocation."""

    name = "gavel"
    preemptive = True
    default_restart_s = 0.0  # Gavel's assumption, which its published figures rest on
    mode = "las"

    def __init__(self, cluster: ClusterSpec, options: PolicyOptions) -> None:
        super().__init__(cluster, options)
        self.chips = cluster.chips
        self.capacity = np.array(
            [sum(g.gpus for g in cluster.groups if g.chip == c) for c in self.chips], np.int64
        )
        self.solver: LpSolver | None = options.lp_solver
        if self.mode in ("las-perf", "srsf-perf") and self.solver is None:
            raise RuleViolation(
                "policy %(name)s solves a linear program: give it an LP solver (SciPy's HiGHS)",
                field="policy",
                params={"name": self.name},
            )
        self.perf = self.mode.endswith("perf")
        self.fifo = self.mode.startswith("fifo")
        # Gavel's own generators: its worker-type shuffler is random.Random(seed + 5) and its
        # FIFO policy's random.Random(seed) (scheduler.py _initialize_seeds, utils.get_policy).
        # Not for secrets: a simulation that must draw as Gavel's simulator does.
        self.shuffler = random.Random(options.seed + 5)  # noqa: S311
        self.fifo_rng = random.Random(options.seed)  # noqa: S311
        self.half_round = options.round_s / 2
        types = len(self.chips)
        self.speed = np.zeros((0, types))
        self.alloc = np.zeros((0, types))
        self.time = np.zeros((0, types))  # each job's time on each type since the last reset
        self.deficit = np.zeros((0, types))
        self.gang = np.zeros(0, np.int64)
        self.slot: dict[int, int] = {}  # job id -> row of the arrays above
        self.free: list[int] = []
        self.jobs: dict[int, Job] = {}  # active jobs in arrival order
        self.worker_time = np.zeros(types)
        self.last_reset = 0.0
        self.need_update = False
        self.unallocated: set[int] = set()  # jobs that arrived since the last allocation
        # Agnostic FIFO: arrival number -> type, Gavel's allocation as last returned (it may
        # name jobs that ended since: their types go to the queue's head at the next one).
        self.placed: dict[int, int] = {}
        self.arrival: dict[int, int] = {}  # job id -> arrival number (Gavel's job id)
        self.arrived = 0
        self.round_start = 0.0  # where the running round's time is counted from
        self.busy_end = 0.0  # the end of the last round that ran a job
        self.next_round = math.inf  # the running round's end; inf while none runs
        self.arrivals = False  # jobs arrived since the last round
        self._preempting: Job | None = None
        self.allocations = 0  # allocations computed (for the cost benchmark)

    # ---- bookkeeping ----------------------------------------------------------------------
    def submit(self, job: Job, now: float) -> None:
        row = self.free.pop() if self.free else self._grow()
        self.slot[job.id] = row
        self.jobs[job.id] = job
        self.arrival[job.id] = self.arrived
        self.arrived += 1
        self.speed[row] = [job.speed_on(c) if self._may_hold(job, c) else 0.0 for c in self.chips]
        self.gang[row] = job.gpus
        self.alloc[row] = 0.0
        self.time[row] = self.half_round
        self.deficit[row] = 0.0
        self.need_update = True
        self.arrivals = True
        self.unallocated.add(job.id)

    def _may_hold(self, job: Job, chip: str) -> bool:
        """Gavel's types hold any of its gangs; here a type's nodes may all be reserved for
        other projects or be too few for the gang, and the job can never run there whatever
        its throughput: it counts as speed 0, or FIFO would keep it there forever."""
        return any(
            g.chip == chip and g.reserved_for in (None, job.project) and g.can_ever_hold(job.gpus)
            for g in self.spec.groups
        )

    def _grow(self) -> int:
        size = len(self.gang)
        grown = max(16, 2 * size)
        for name in ("speed", "alloc", "time", "deficit"):
            old = getattr(self, name)
            new = np.zeros((grown, len(self.chips)))
            new[:size] = old
            setattr(self, name, new)
        self.gang = np.concatenate((self.gang, np.zeros(grown - size, np.int64)))
        self.free.extend(range(grown - 1, size, -1))
        return size

    def stopped(self, job: Job, now: float) -> None:
        self._account(job, now)
        if job is self._preempting:
            return
        self.free.append(self.slot.pop(job.id))
        del self.jobs[job.id]
        del self.arrival[job.id]
        self.unallocated.discard(job.id)
        self.need_update = True

    def _account(self, job: Job, now: float) -> None:
        """Time the job ran on its type in this round (Gavel's done callback: from the round's
        start, which after rounds that ran nothing is the end of the last one that ran a job,
        as Gavel's `simulate` keeps `current_round_start_time`)."""
        ran = now - self.round_start
        column = self.chips.index(self._chip_of(job))
        self.time[self.slot[job.id], column] += ran
        self.worker_time[column] += ran

    def _chip_of(self, job: Job) -> str:
        return str(self.spec.groups[job.placement[0]].chip)

    # ---- scheduling points -----------------------------------------------------------------
    def schedule(self, ctx: Context) -> None:
        """A round when the running one is due or all its jobs have ended (Gavel's round ends
        at its last job's end), even with no job left (Gavel resets and shuffles in it too);
        while no round runs, at each arrival (Gavel's simulator then jumps to the next one)."""
        if self.next_round < math.inf:
            if ctx.now < self.next_round and any(True for _ in ctx.running_jobs()):
                return
        elif not self.arrivals:
            self._idle(ctx)  # woken at an arrival the engine refused (no chip can run it)
            return
        self._round(ctx)

    def _round(self, ctx: Context, forced: bool = False) -> None:
        now = ctx.now
        for job in ctx.running_jobs():
            self._account(job, now)
        if self.next_round < math.inf:  # a round that ran jobs ends now
            self.busy_end = now
        # Gavel counts a round's time from the end of the last round that ran a job: after
        # rounds that ran nothing, the idle time is credited to the jobs of the next one
        # (`simulate`: execution_time = finish_time - current_round_start_time).
        self.round_start = self.busy_end
        self.arrivals = False
        if self.need_update and (
            now - self.last_reset >= self.options.reset_interval_s or self.last_reset == 0
        ):
            self._reset(now)
            self._allocate(now, {job.id for job in ctx.running_jobs()})
            self.need_update = False
        chosen = self._select()
        for job in list(ctx.running_jobs()):
            column = chosen.get(job.id)
            if column is None or self.chips[column] != self._chip_of(job):
                self._preempting = job
                ctx.preempt(job)
                self._preempting = None
            else:
                del chosen[job.id]
        for job_id, column in chosen.items():
            if job_id in self.unallocated and self.mode != "srsf-perf":
                continue  # Gavel: picked, its GPUs counted, but not in the allocation to run
            job = self.jobs[job_id]
            groups = [g for g in ctx.cluster.eligible(job) if g.chip == self.chips[column]]
            # Gavel counts GPUs per type; here nodes reserved for a project, or a gang wider
            # than a node, can leave a type's GPUs unusable to the job: it then takes the
            # fastest type where it does fit, so a round never idles a cluster that could run it.
            placement = ctx.cluster.place(job, groups=groups) or ctx.cluster.place(
                job, groups=sorted(ctx.cluster.eligible(job), key=lambda g: -job.speed_on(g.chip))
            )
            if placement is not None:
                ctx.start(job, placement)
        if any(True for _ in ctx.running_jobs()):
            self.next_round = now + self.options.round_s
            ctx.wake_at(self.next_round)
            return
        # Nothing runs. Gavel's simulator jumps to the next arrival (the engine calls back
        # then); with none to come (a trace's last jobs) it forces a reset at once
        # (`_last_reset_time = 0`), so the jobs left get an allocation.
        self.next_round = math.inf
        self._idle(ctx, forced)

    def _idle(self, ctx: Context, forced: bool = False) -> None:
        """Nothing runs and jobs wait for an allocation: the next arrival brings a round, and
        with none to come a reset is forced. An arrival the engine refuses as unschedulable
        never reaches the policy, so the policy is woken at each one to look again. A forced
        round that still runs nothing stops here (it would only force itself again)."""
        if forced or not self.jobs or not self.need_update:
            return
        upcoming = ctx.next_arrival()
        if upcoming < math.inf:
            ctx.wake_at(upcoming)
            return
        self.last_reset = 0.0
        self._round(ctx, forced=True)

    def _reset(self, now: float) -> None:
        rows = self._rows()
        elapsed = now - self.last_reset
        received = self.time[rows] - self.half_round
        self.deficit[rows] += self.alloc[rows] * elapsed - received
        self.time[rows] = self.half_round
        self.worker_time[:] = self.half_round * len(rows)
        self.last_reset = now

    def _rows(self) -> np.ndarray:
        return np.fromiter((self.slot[j] for j in self.jobs), np.int64, len(self.jobs))

    def _allocate(self, now: float, running: set[int]) -> None:
        rows = self._rows()
        gangs, speeds = self.gang[rows], self.speed[rows]
        self.unallocated.clear()
        if not len(rows):  # Gavel resets with no job left; its allocation is then empty
            self.placed = {}
            return
        self.allocations += 1
        if self.fifo:
            arrivals = [self.arrival[j] for j in self.jobs]
            placed = fifo_allocation(
                speeds,
                gangs,
                self.capacity,
                perf=self.perf,
                arrivals=arrivals,
                previous=self.placed,
                names=self.chips,
                choose=self.fifo_rng,
            )
            self.placed = {} if self.perf else placed
            row_of = {arrival: i for i, arrival in enumerate(arrivals)}
            table = np.zeros_like(speeds)
            for arrival, column in placed.items():
                table[row_of[arrival], column] = 1.0
        elif self.mode == "srsf-perf":
            assert self.solver is not None  # checked when the policy was made
            left = [_work_left(job, now, job.id in running) for job in self.jobs.values()]
            table = perf_srsf(speeds, gangs, np.array(left), self.capacity, self.solver)
        elif self.perf:
            assert self.solver is not None  # checked when the policy was made
            table = perf_max_min(speeds, gangs, self.capacity, self.solver)
        else:
            table = agnostic_max_min(gangs, self.capacity, self.solver)
        self.alloc[rows] = table

    def _priorities(self, rows: np.ndarray) -> np.ndarray:
        alloc = self.alloc[rows]
        share = np.divide(
            self.time[rows],
            self.worker_time,
            out=np.zeros_like(alloc),
            where=self.worker_time > 0,
        )
        ratio = np.divide(alloc, share, out=alloc * NO_FRACTION_PRIORITY, where=share > 0)
        return np.where((alloc > 0) & (self.speed[rows] > 0), ratio, 0.0)

    def _select(self) -> dict[int, int]:
        """Job id -> type column for the coming round (Gavel's per-type greedy pass)."""
        rows = self._rows()
        ids = list(self.jobs)
        priority = self._priorities(rows)
        deficit, alloc, speed = self.deficit[rows], self.alloc[rows], self.speed[rows]
        gang = self.gang[rows]
        order = list(range(len(self.chips)))
        if not self.perf:
            self.shuffler.shuffle(order)
        left = self.capacity.copy()
        arrival = np.arange(len(rows))
        chosen: dict[int, int] = {}
        for column in order:
            ranked = np.lexsort(
                (arrival, -alloc[:, column], -deficit[:, column], -priority[:, column])
            )
            for i in ranked.tolist():
                if left[column] == 0 or (self.fifo and priority[i, column] <= 0):
                    break
                job_id = ids[i]
                if job_id in chosen or speed[i, column] <= 0 or gang[i] > left[column]:
                    continue
                left[column] -= gang[i]
                chosen[job_id] = int(column)
        return chosen


def _work_left(job: Job, now: float, running: bool) -> float:
    """The job's work still to do now."""
    left = job.work_left_at(now) if running else job.remaining
    return left if left > 1e-9 else 1e-9  # a job about to end: first, not a division by 0


def _variant(name: str, mode: str) -> type[GavelRounds]:
    """One of the four: the mechanism is the same, only the allocation differs."""
    return type(name.replace("-", "_"), (GavelRounds,), {"name": name, "mode": mode})


GavelFifo = _variant("gavel-fifo", "fifo")
GavelFifoPerf = _variant("gavel-fifo-perf", "fifo-perf")
GavelLas = _variant("gavel-las", "las")
GavelLasPerf = _variant("gavel-las-perf", "las-perf")
# Ours on Gavel's mechanism: the LAS-perf rounds with the SRSF allocation (timeshare.perf_srsf).
SrsfPerf = _variant("srsf-perf", "srsf-perf")
