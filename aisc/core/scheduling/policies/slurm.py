"""Slurm's scheduling as sched/backfill with priority/multifactor runs it (Slurm 22.05).

Two loops over the pending jobs in priority order (ties: submission order), as slurmctld has:
- the main scheduler, over at most `default_queue_depth` jobs when a job ends (slurmctld calls
  it when slurmd reports the job's epilog complete: here at once, or `end_answer_s` later) or
  after submissions (its background thread, which wakes on whole wall-clock seconds, runs it
  once `batch_sched_delay` has passed since its previous pass; with a delay of 0, at every
  submission), and every `sched_interval` over all of them: it starts each job
  that fits; once a job of a partition is left pending, no later job of that partition starts
  in that pass (sched_config.html: "once any job ... in a partition is left pending, no other
  jobs in that partition will be scheduled");
- the backfill cycle, every `bf_interval`: it tests up to `bf_max_job_test` jobs against a
  fresh backfill map (`aisc.core.scheduling.bfmap`), starting those that fit now without
  touching a reservation made earlier in the cycle, and reserving for every other one.

Priorities (age, fair share with PriorityDecayHalfLife, job size, partition, QOS) are
recalculated every PriorityCalcPeriod and kept as whole numbers, as Slurm stores them.

Cost per cycle is bounded as Slurm's is: the main pass stops once every partition is blocked or
no GPU is free; the backfill cycle tests at most `bf_max_job_test` jobs, stops once its map
holds `bf_node_space_size` records (so no test retries at more than that many times), and stops
testing once no GPU is free, since every later test could only reserve, and reservations are
rebuilt from nothing at the next cycle.
"""

from __future__ import annotations

import math
from collections import deque

from aisc.core.scheduling.bfmap import BackfillMap, Plan
from aisc.core.scheduling.model import ClusterSpec, Job
from aisc.core.scheduling.placement import ClusterState, GroupState
from aisc.core.scheduling.policies.multifactor import Multifactor
from aisc.core.scheduling.policy import Context, PolicyOptions
from aisc.core.scheduling.releases import Releases
from aisc.core.scheduling.ticks import EPSILON, Ticks


def partitions(groups: tuple[GroupState, ...]) -> frozenset[str]:
    return frozenset(g.spec.partition for g in groups)


class Slurm(Multifactor):
    name = "slurm"
    backfill = True
    # select/cons_tres picks among the nodes that fit best in node-bitmap (index) order, so of
    # two idle nodes a one-node job goes to the first (a run's log: the first jobs of a pass fill
    # br104-01 before any goes to br104-02).
    lowest_node_first = True

    def __init__(self, cluster: ClusterSpec, options: PolicyOptions) -> None:
        super().__init__(cluster, options)
        self.calculator.whole = True
        self.all_partitions = frozenset(g.partition for g in cluster.groups)
        # the partitions of each tuple of groups a job may use: the main loop asks per job
        self.partitions_of: dict[tuple[GroupState, ...], frozenset[str]] = {}
        self.next_main = -math.inf
        self.next_backfill = -math.inf
        # Every account with a share exists from the start (Slurm: an association made with
        # sacctmgr), so the decay thread gives each its factor at its next pass, whether or
        # not it has submitted yet; without shares an account is known from its first job.
        self.projects: set[str] = set(cluster.shares)
        self.releases = self.running_index = Releases(cluster)
        # Submissions wait for the background thread's next pass (batch_sched_delay).
        self.requested = False
        self.batch_at = -math.inf
        self.last_batch = -math.inf
        # Each cycle ticks from slurmctld's start (simulation time 0 when that is not known)
        # or a phase of its own; the background thread wakes about once a second (whole
        # seconds); where a run's log shows when the threads came round, through those times.
        o, epoch = options, options.epoch_s

        def origin(wall: float | None) -> float:
            start = o.cycle_origin_s if wall is None else wall
            return 0.0 if start is None else start - epoch

        self.main_clock = Ticks(o.sched_interval_s, origin(None))
        self.calc_clock = Ticks(
            o.calc_period_s, origin(o.calc_origin_s), tuple(t - epoch for t in o.calc_passes_s)
        )
        self.logged_passes = tuple(t - epoch for t in o.main_passes_s)
        self.full_passes = frozenset(t - epoch for t in o.full_passes_s)
        self.pass_index = 0
        # When the main loop answers the ends seen so far (end_answer_s), earliest first.
        self.answers: deque[float] = deque()
        self.wake_clock = Ticks(1.0, -epoch, tuple(t - epoch for t in o.sched_wakes_s))
        self.backfill_clock = Ticks(
            o.bf_interval_s, origin(o.bf_origin_s), tuple(t - epoch for t in o.bf_cycles_s)
        )

    def submit(self, job: Job, now: float) -> None:
        """Priority from the fair-share factors of the last recalculation, as Slurm sets it at
        submission: an account not known then has a factor of 0 until the next one."""
        self.projects.add(job.project)
        self.enqueue(job, now)

    def recalculate(self, now: float) -> None:
        self.fairshare = dict.fromkeys(self.projects, 0.0)
        super().recalculate(now)
        self.next_calc = self.calc_clock.after(now)

    def schedule(self, ctx: Context) -> None:
        now, o = ctx.now, self.options
        if self.next_calc == -math.inf:  # the first recalculation comes on its own clock
            self.next_calc = self.calc_clock.after(now)
        if now >= self.next_calc:
            self.recalculate(now)
        if self.next_backfill == -math.inf:  # so do the main loop's and the backfill's
            self.next_main = self.main_clock.at_or_after(now)
            self.next_backfill = self.backfill_clock.at_or_after(now)
        if self.logged_passes:
            full, due = self._logged_pass(now)
        else:
            # A tick that passed while nothing was queued (no wake-up was asked for) found
            # nothing to do; the cycle runs at the ticks, not late.
            full = now == self.next_main
            if now >= self.next_main:
                self.next_main = self.main_clock.after(now)
                self.last_batch = max(self.last_batch, self.next_main - o.sched_interval_s)
            due = self._main_due(ctx, full)
        if due:
            self._main(ctx, math.inf if full else o.default_queue_depth)
        if now >= self.next_backfill:
            due = now == self.next_backfill
            self.next_backfill = self.backfill_clock.after(now)
            if due:
                self._backfill(ctx)
        if self.queue:
            wake = min(self.next_main, self.next_backfill, self.next_calc)
            if self.answers:
                wake = min(wake, self.answers[0])
            ctx.wake_at(min(wake, self.batch_at) if self.requested else wake)
        self.fresh.clear()

    def _logged_pass(self, now: float) -> tuple[bool, bool]:
        """(full, due) where the main loop's passes are the ones a run's log shows: a pass is
        due at each of those times and at no other; one that came while nothing was queued
        (no wake-up was asked for) found nothing to do."""
        passes, i = self.logged_passes, self.pass_index
        while i < len(passes) and passes[i] < now - EPSILON:
            i += 1
        due = i < len(passes) and passes[i] <= now + EPSILON
        full = due and passes[i] in self.full_passes
        self.pass_index = i + 1 if due else i
        self.next_main = passes[self.pass_index] if self.pass_index < len(passes) else math.inf
        return full, due

    def _main_due(self, ctx: Context, full: bool) -> bool:
        """Whether the main loop runs now: every sched_interval, when a job ended, and on the
        background thread's first whole second at least batch_sched_delay after its last pass
        once a job was submitted (controller.c's _slurmctld_background)."""
        delay, now = self.options.batch_sched_delay_s, ctx.now
        if self.options.end_answer_s is None:
            if delay == 0:
                return True
            answered = ctx.freed
        else:
            answered = self._answered(ctx)
            if delay == 0:  # every submission and every end answered
                return full or answered or bool(self.fresh)
        if self.fresh and not self.requested:
            self.requested = True
            # Slurm compares time(NULL), whole seconds: the first wake-up in the whole second
            # `delay` after the last pass's, however far into its second that pass came.
            epoch = self.options.epoch_s
            last = self.last_batch
            ready = (
                -math.inf if last == -math.inf else math.floor(last + epoch + 1e-6) + delay - epoch
            )
            self.batch_at = self.wake_clock.at_or_after(max(now, ready))
        if full or (self.requested and now >= self.batch_at):
            self.requested = False
            self.last_batch = now
            return True
        return answered

    def _answered(self, ctx: Context) -> bool:
        """Whether the main loop answers a job's end now, end_answer_s after it: a backfill
        cycle in between may take the nodes first (see PolicyOptions.end_answer_s)."""
        after = self.options.end_answer_s
        assert after is not None
        answers, now = self.answers, ctx.now
        if ctx.freed:
            answers.append(now + after)
        due = False
        while answers and answers[0] <= now + EPSILON:
            answers.popleft()
            due = True
        return due

    def _main(self, ctx: Context, depth: float) -> None:
        cluster, blocked = ctx.cluster, set[str]()
        tested, known = 0, self.partitions_of
        for job in self.queue:
            if tested >= depth or cluster.free_gpus == 0 or blocked >= self.all_partitions:
                break
            groups = cluster.eligible(job)
            parts = known.get(groups)
            if parts is None:
                parts = known[groups] = partitions(groups)
            if parts <= blocked:
                continue
            tested += 1
            if ctx.start(job):
                self.queue.discard(job)
            else:
                blocked |= parts

    def _backfill(self, ctx: Context) -> None:
        """Test jobs in priority order, starting those that fit now."""
        o, cluster = self.options, ctx.cluster
        if cluster.free_gpus == 0:
            return
        records = o.bf_max_job_test if o.bf_node_space_size is None else o.bf_node_space_size
        space = BackfillMap(
            ctx.now,
            resolution=o.bf_resolution_s,
            window=o.bf_window_s,
            epoch=o.epoch_s,
            max_records=records,
        )
        tested = 0
        for job in self.queue:  # those started in this call have left it
            if tested >= o.bf_max_job_test or cluster.free_gpus == 0:
                break
            tested += 1
            plan = self._plan(job, cluster, space)
            if plan is None:
                continue
            if plan.start > ctx.now:
                if space.full:  # Slurm: "table size limit reached", the cycle ends
                    break
                space.hold(plan, job, cluster.groups[plan.group].chip)
                continue
            self._start(ctx, job, plan, space)
            self.queue.discard(job)

    def _plan(self, job: Job, cluster: ClusterState, space: BackfillMap) -> Plan | None:
        """The earliest plan over the groups the job may use (a start now wins at once)."""
        best: Plan | None = None
        for group in cluster.eligible(job):
            plan = space.plan(job, group, self.releases)
            if plan is not None and (best is None or plan.start < best.start):
                best = plan
            if best is not None and best.start == space.now:
                break
        return best

    def _start(self, ctx: Context, job: Job, plan: Plan, space: BackfillMap) -> None:
        """Start a job the map says fits now, off the nodes reserved during its run."""
        group = ctx.cluster.groups[plan.group]
        limit = job.estimate_on(job.speed_on(group.chip))
        keep_off = space.blocked(plan.group, ctx.now, ctx.now + limit)
        placement = ctx.cluster.place(job, (group,), {plan.group: keep_off})
        assert placement is not None, "will-run said it fits now"
        ctx.start(job, placement)
