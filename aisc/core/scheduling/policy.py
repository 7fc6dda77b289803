"""The one interface every scheduling policy implements, and the context the engine hands it.

The engine tells a policy about arrivals (`submit`) and about jobs that stop (`stopped`); at each
scheduling point it calls `schedule(ctx)`, and the policy answers by calling `ctx.start(job)`
(and, for preemptive policies, `ctx.preempt(job)`). Placement and reservations live in the
cluster state, so every policy respects dedicated nodes without knowing about them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.model import ClusterSpec, Job
from aisc.core.scheduling.placement import ClusterState, Placement
from aisc.core.scheduling.timeshare import LpSolver

DAY = 86_400.0
MAX_RESTART_S = 86_400.0  # a day: a typo guard, not a model
# Wall seconds a preempted job spends restoring when it resumes, unless PolicyOptions.restart_s
# says otherwise: the 30 s that Pollux's simulator (Qiao et al., OSDI'21; petuum/adaptdl,
# simulator/simulator.py, Job.reallocate) charges every job whose allocation changes, Tiresias'
# LAS included, in rounds of 60 s, holding its GPUs and doing no work. See docs/simulator.md.
RESTART_S = 30.0
BF_MAX = 1_000_000  # slurm.conf: bf_max_job_test Default 100, Min 1, Max 1,000,000


class Context(Protocol):
    """What a policy sees and may do at one scheduling point."""

    @property
    def now(self) -> float: ...

    @property
    def cluster(self) -> ClusterState: ...

    @property
    def freed(self) -> bool:
        """GPUs were freed since the last scheduling point (a job ended or was preempted)."""
        ...

    def running_jobs(self) -> Iterable[Job]: ...

    def start(self, job: Job, placement: Placement | None = None) -> bool:
        """Start the job now; False if it does not fit.

        Without a placement the engine places it; a given placement must already have been
        taken with `ctx.cluster.place` (a policy that plans around reserved nodes does that).
        """
        ...

    def preempt(self, job: Job) -> None:
        """Stop a running job; its remaining work is kept (checkpoint and resume)."""
        ...

    def wake_at(self, time: float) -> None:
        """Ask for a scheduling point at `time` even if nothing else happens then."""
        ...

    def next_arrival(self) -> float:
        """When the next job known to the engine arrives; inf when none is (Gavel's rounds
        wait for it when they run nothing, as its simulator does)."""
        ...


@dataclass(frozen=True)
class PolicyOptions:
    """Tunables, with Slurm's defaults where Slurm has one (priority_multifactor, sched_config)."""

    weight_age: float = 1000.0
    weight_fairshare: float = 10_000.0
    weight_jobsize: float = 1000.0
    weight_qos: float = 1000.0
    max_age_s: float = 7 * DAY  # PriorityMaxAge
    decay_half_life_s: float = 7 * DAY  # PriorityDecayHalfLife
    calc_period_s: float = 300.0  # PriorityCalcPeriod
    # Fair share by Slurm's Fair Tree (its default) instead of the classic 2^(-U/S)
    # (PriorityFlags=NO_FAIR_TREE, the simulator's default).
    fair_tree: bool = False
    bf_max_job_test: int = 100  # bf_max_job_test
    # bf_node_space_size: records the backfill map may hold before a cycle stops (None: as many
    # as bf_max_job_test, Slurm's default; range 2 to 2,000,000).
    bf_node_space_size: int | None = None
    # The `slurm` policy's cycles (slurm.conf(5) SchedulerParameters, Slurm 22.05 defaults).
    sched_interval_s: float = 60.0  # sched_interval: the main loop over every pending job
    default_queue_depth: int = 100  # default_queue_depth: jobs the main loop tests per event
    bf_interval_s: float = 30.0  # bf_interval
    bf_resolution_s: float = 60.0  # bf_resolution
    bf_window_s: float = 86_400.0  # bf_window (1440 minutes)
    epoch_s: float = 0.0  # the wall-clock second of simulation time 0 (rounding to resolution)
    # The wall-clock second slurmctld started: its cycles and priority recalculations tick from
    # there (None: from time 0).
    cycle_origin_s: float | None = None
    # Where on the wall clock one backfill cycle and one decay-thread pass fell, when a run's
    # log shows it (None: cycle_origin_s): each thread keeps a phase of its own.
    bf_origin_s: float | None = None
    calc_origin_s: float | None = None
    # batch_sched_delay: a submission asks slurmctld's background thread, which wakes on whole
    # wall-clock seconds, for a main-loop pass at least this long after its previous one; a job
    # ending asks for one at once. 0: a pass at every event (Slurm's default is 3).
    batch_sched_delay_s: float = 0.0
    # How long after a job's nodes free the main loop answers that end (None: at once, with
    # every event running it where batch_sched_delay_s is 0). Slurm runs it when slurmd reports
    # the job's epilog complete, which slurmd sends only once it finds the job's processes gone,
    # looking 0, 0.02, 0.07, 0.17 and 0.67 s after the terminate request (slurmd's
    # pause_for_job_completion); meanwhile the backfill cycle may take the nodes. With a value,
    # only submissions, sched_interval and these answers run the main loop (a positive number).
    end_answer_s: float | None = None
    # When a run's log shows them (wall clock, ascending): the background thread's wake-ups
    # (else whole seconds) and backfill cycles (else every bf_interval from bf_origin_s); the
    # threads' sleeps drift between them, so the simulator ticks through each one.
    sched_wakes_s: tuple[float, ...] = ()
    bf_cycles_s: tuple[float, ...] = ()
    calc_passes_s: tuple[float, ...] = ()  # the decay thread's passes
    # Every main-loop pass of a run (SlurmctldDebug=debug logs each), those over the full queue
    # among them: the main loop then runs at exactly these times instead of by its own rules.
    main_passes_s: tuple[float, ...] = ()
    full_passes_s: tuple[float, ...] = ()
    weight_partition: float = 0.0  # PriorityWeightPartition
    partition_factor: dict[str, float] = field(default_factory=dict)  # PriorityJobFactor
    qos_priority: dict[str, float] = field(default_factory=lambda: {"normal": 0.0, "high": 1.0})
    # LAS (Tiresias): queue thresholds in attained GPU-seconds; Gavel-style rounds for hetero.
    las_thresholds_gpu_s: tuple[float, ...] = (3600.0, 36_000.0)
    round_s: float = 360.0
    hetero_objective: str = "max-min"  # or "min-jct"
    # Wall seconds a preempted job spends restoring when it resumes, before it progresses;
    # None: the policy's own default (`Policy.default_restart_s`).
    restart_s: float | None = None
    # Gavel's rounds (policies/gavel.py): an allocation is recomputed at most this often
    # (Gavel's minimum_time_between_allocation_resets), by this LP solver where it needs one;
    # the seed draws the agnostic policies' random choices.
    reset_interval_s: float = 1920.0
    lp_solver: LpSolver | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        depth = self.bf_max_job_test
        if isinstance(depth, bool) or not (isinstance(depth, int) and 1 <= depth <= BF_MAX):
            raise RuleViolation(
                (
                    "bf_max_job_test %(depth)s must be a whole number from 1 to "
                    "%(bf_max)s (Slurm's range)"
                ),
                field="bf_max_job_test",
                params={"depth": f"{depth!r}", "bf_max": f"{BF_MAX:,}"},
            )
        space = self.bf_node_space_size
        if space is not None and (
            isinstance(space, bool) or not (isinstance(space, int) and 2 <= space <= 2 * BF_MAX)
        ):
            raise RuleViolation(
                (
                    "bf_node_space_size %(space)s must be a whole number from 2 to "
                    "%(most)s (Slurm's range)"
                ),
                field="bf_node_space_size",
                params={"space": f"{space!r}", "most": f"{2 * BF_MAX:,}"},
            )
        for name in (
            "sched_interval_s",
            "bf_interval_s",
            "bf_resolution_s",
            "bf_window_s",
            "round_s",
        ):
            if not getattr(self, name) > 0:
                raise RuleViolation(
                    "%(name)s must be a positive number of seconds",
                    field=name,
                    params={"name": name},
                )
        if not 0.0 <= self.batch_sched_delay_s <= DAY:
            raise RuleViolation(
                "batch_sched_delay_s must be from 0 to 86,400 seconds",
                field="batch_sched_delay_s",
            )
        if self.end_answer_s is not None and not self.end_answer_s > 0:
            raise RuleViolation(
                "%(name)s must be a positive number of seconds",
                field="end_answer_s",
                params={"name": "end_answer_s"},
            )
        if not self.reset_interval_s >= 0:
            raise RuleViolation(
                "reset_interval_s must be 0 or more seconds", field="reset_interval_s"
            )
        if not self.default_queue_depth >= 1:
            raise RuleViolation(
                "default_queue_depth must be at least 1", field="default_queue_depth"
            )
        if self.restart_s is not None and not 0.0 <= self.restart_s <= MAX_RESTART_S:
            raise RuleViolation(
                "restart_s %(restart_s)s must be between 0 and %(max_restart_s)s seconds",
                field="restart_s",
                params={
                    "restart_s": f"{self.restart_s!r}",
                    "max_restart_s": f"{MAX_RESTART_S:,.0f}",
                },
            )


class Policy:
    """Base class: a named policy with a pending queue of its own shape."""

    name = "base"
    preemptive = False
    # Among nodes that fit a job equally well, take the lowest-numbered (placement.ClusterState)
    lowest_node_first = False
    default_restart_s = RESTART_S  # where PolicyOptions.restart_s is None

    def __init__(self, cluster: ClusterSpec, options: PolicyOptions) -> None:
        self.spec = cluster
        self.options = options

    @property
    def restart_s(self) -> float:
        """Wall seconds a preempted job of this policy restores for when it resumes."""
        chosen = self.options.restart_s
        return self.default_restart_s if chosen is None else chosen

    def submit(self, job: Job, now: float) -> None:
        raise NotImplementedError

    def schedule(self, ctx: Context) -> None:
        raise NotImplementedError

    def withdraw(self, job: Job) -> bool:
        """Take a queued job back (allocation limits hold it again); False if it is not queued.

        Policies that cannot do so keep this default and cannot run behind `GatedPolicy`.
        """
        return False

    def started(self, job: Job, now: float) -> None:
        """A job of this policy began running (hook for usage accounting)."""

    def stopped(self, job: Job, now: float) -> None:
        """A job ended or was preempted (hook for usage accounting)."""


class UsageMeter:
    """GPU-seconds per project, decayed with a half-life (Slurm's PriorityDecayHalfLife).

    Between events a project runs at a constant number of GPUs r; over dt its decayed usage
    u becomes u*d + r*h/ln2*(1-d) with d = 2^(-dt/h), the exact integral of the decayed rate.
    With no half-life (inf) usage simply accumulates.
    """

    def __init__(self, half_life_s: float = math.inf) -> None:
        self.half_life = half_life_s
        self.usage: dict[str, float] = {}
        self.rate: dict[str, int] = {}
        self.since: dict[str, float] = {}

    def _bring_to(self, project: str, now: float) -> None:
        dt = now - self.since.get(project, now)
        used, rate = self.usage.get(project, 0.0), self.rate.get(project, 0)
        if math.isinf(self.half_life):
            self.usage[project] = used + rate * dt
        else:
            decay = 2.0 ** (-dt / self.half_life)
            self.usage[project] = used * decay + rate * self.half_life / math.log(2) * (1 - decay)
        self.since[project] = now

    def change(self, project: str, gpus: int, now: float) -> None:
        self._bring_to(project, now)
        self.rate[project] = self.rate.get(project, 0) + gpus

    def at(self, now: float) -> dict[str, float]:
        for project in list(self.since):
            self._bring_to(project, now)
        return dict(self.usage)
