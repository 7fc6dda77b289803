import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.model import ClusterSpec, parse_cluster
from aisc.core.scheduling.policies import make_policy
from aisc.core.scheduling.policies.hetero import OBJECTIVES, HeterogeneityAware
from aisc.core.scheduling.policy import Policy, PolicyOptions
from aisc.core.simulation.engine import Simulator
from aisc.core.simulation.run import SimulationResult, simulate
from aisc.core.simulation.traces.base import Trace, TraceBuilder

FAST_ON_V100 = {"v100": 10.0, "k80": 1.0}  # 10x on a V100 (like ResNet-18)
NEARLY_EVEN = {"v100": 1.0, "k80": 0.9}  # like Recommendation: a K80 does almost as well


def run(
    rows: list[tuple[float, int, float, dict[str, float]]], policy: str, **options: object
) -> SimulationResult:
    builder = TraceBuilder("t")
    for line, (submit, gpus, work, speeds) in enumerate(rows, start=1):
        builder.add(line, submit, gpus, work, speeds=speeds)
    opts = PolicyOptions(**options)  # type: ignore[arg-type]
    return simulate(builder.build(), parse_cluster("v100=1x1,k80=1x1"), policy, opts)


def test_the_job_with_most_to_gain_gets_the_fast_chip() -> None:
    rows = [(0.0, 1, 90.0, NEARLY_EVEN), (0.0, 1, 1000.0, FAST_ON_V100)]
    hetero = run(rows, "hetero")
    assert hetero.record.columns()["end"].tolist() == [100.0, 100.0]
    agnostic = run(rows, "fifo")  # first come takes the first chip type listed
    assert agnostic.record.columns()["end"].tolist() == [90.0, 1000.0]


def test_a_round_moves_a_job_to_the_chip_where_it_gains_most() -> None:
    # The even job holds the V100 alone; at the next round (360 s) the fast job takes it over.
    rows = [(0.0, 1, 1000.0, NEARLY_EVEN), (10.0, 1, 1000.0, FAST_ON_V100)]
    result = run(rows, "hetero")
    cols = result.record.columns()
    assert cols["start"].tolist() == [0.0, 10.0]  # the fast job fills the free K80 at once
    assert result.summary["preemptions"] >= 1
    assert cols["end"][1] < 10.0 + 1000.0  # it did not stay on the K80 for its whole run


def test_min_jct_runs_the_shortest_remaining_job_first() -> None:
    rows = [
        (0.0, 1, 5000.0, FAST_ON_V100),
        (0.0, 1, 5000.0, FAST_ON_V100),
        (1.0, 1, 100.0, FAST_ON_V100),
    ]
    result = run(rows, "hetero", hetero_objective="min-jct")
    cols = result.record.columns()
    assert cols["end"][2] < 400.0  # preempts a long job at the first round boundary


def test_srsf_runs_single_gpu_jobs_before_a_gang_with_less_time_but_more_gpu_time_left() -> None:
    # One node of two V100s. The gang needs 300 s on both GPUs (600 GPU-seconds), the single
    # GPU jobs 400 and 450 s. min-jct runs the gang first (least time left); srsf runs the
    # single jobs side by side first (least GPU-time left), which lowers the mean JCT.
    builder = TraceBuilder("t")
    builder.add(1, 0.0, 2, 300.0, speeds={"v100": 1.0})
    builder.add(2, 0.0, 1, 400.0, speeds={"v100": 1.0})
    builder.add(3, 0.0, 1, 450.0, speeds={"v100": 1.0})
    trace, cluster = builder.build(), parse_cluster("v100=1x2")
    ends = {}
    for objective in ("min-jct", "srsf"):
        options = PolicyOptions(hetero_objective=objective)
        result = simulate(trace, cluster, "hetero", options)
        ends[objective] = result.record.columns()["end"].tolist()
        assert result.summary["preemptions"] == 0
    assert ends["min-jct"] == [300.0, 700.0, 750.0]
    assert ends["srsf"] == [750.0, 400.0, 450.0]
    assert sum(ends["srsf"]) < sum(ends["min-jct"])


def test_srsf_ranks_a_running_gang_by_the_gpu_time_it_has_left_now() -> None:
    # The gang (2 GPUs, 1000 s) runs alone from 0; a 1-GPU job of 700 s arrives at 100 and
    # waits for the round at 360. The gang then has 640 s x 2 GPUs = 1,280 GPU-seconds left,
    # more than the newcomer's 700: srsf pauses it there (min-jct, counting 640 s, would not).
    builder = TraceBuilder("t")
    builder.add(1, 0.0, 2, 1000.0, speeds={"v100": 1.0})
    builder.add(2, 100.0, 1, 700.0, speeds={"v100": 1.0})
    options = PolicyOptions(hetero_objective="srsf", restart_s=0.0)
    result = simulate(builder.build(), parse_cluster("v100=1x2"), "hetero", options)
    assert result.record.columns()["end"].tolist() == [1700.0, 1060.0]
    assert result.summary["preemptions"] == 1


def test_a_job_already_on_its_best_chip_keeps_running_across_rounds() -> None:
    result = run([(0.0, 1, 10_000.0, FAST_ON_V100)], "hetero")
    assert result.record.columns()["end"].tolist() == [1000.0]
    assert result.summary["preemptions"] == 0


def test_a_job_cut_at_its_limit_is_not_resumed() -> None:
    builder = TraceBuilder("t")
    builder.add(1, 0.0, 1, 5000.0, time_limit=100.0, speeds=FAST_ON_V100)
    result = simulate(builder.build(), parse_cluster("v100=1x1,k80=1x1"), "hetero")
    assert result.summary["timeouts"] == 1


def test_an_unknown_hetero_objective_is_refused() -> None:
    with pytest.raises(RuleViolation) as caught:
        make_policy("hetero", parse_cluster("v100=1x1"), PolicyOptions(hetero_objective="speed"))
    assert caught.value.field == "hetero_objective"


def test_a_gang_the_regret_order_leaves_without_room_waits_for_the_next_round() -> None:
    builder = TraceBuilder("t")
    builder.add(1, 0.0, 2, 100.0, speeds=NEARLY_EVEN)  # admitted first: only the V100 node holds 2
    builder.add(2, 0.0, 1, 1000.0, speeds=FAST_ON_V100)  # but it gains most and takes a V100 GPU
    builder.add(3, 0.0, 1, 1000.0, speeds=FAST_ON_V100)  # no room left for it this round
    result = simulate(builder.build(), parse_cluster("v100=1x2,k80=1x1"), "hetero")
    cols = result.record.columns()
    assert cols["start"][1] == 0.0
    assert cols["start"][0] > 0.0  # the gang waits while a V100 GPU is taken
    assert result.summary["jobs"] == 3


def test_a_job_that_ends_with_a_rounding_residue_is_not_started_again() -> None:
    # 1000.1 steps at 1.9 steps/s from t=10 leave ~1e-13 steps "remaining" in floating point;
    # the engine counts the job done, and the policy must not queue it again (it would
    # restart it at the same instant forever).
    submit, work, speed = 10.0, 1000.1, 1.9
    assert work - ((submit + work / speed) - submit) * speed > 0  # the residue is really there
    builder = TraceBuilder("t")
    builder.add(1, submit, 1, work, speeds={"v100": speed})
    cluster = parse_cluster("v100=1x1")
    policy = make_policy("hetero", cluster)
    sim = Simulator(cluster, policy, builder.build())
    beats = []

    def progress(ended: int) -> None:
        beats.append(ended)
        assert len(beats) < 3, "the simulation keeps processing the same instant"

    sim.run(progress)
    assert sim.record.ended == 1
    assert sim.record.columns()["end"][0] == pytest.approx(submit + work / speed)
    assert isinstance(policy, HeterogeneityAware)
    assert len(policy.waiting) == 0
    assert policy.service == {}
    assert policy.profiles == {}


def test_min_jct_ranks_a_running_job_by_the_work_it_has_left_now() -> None:
    # Job 0 (1000 s) runs alone from t=0; job 1 (700 s) arrives at 100 and waits for the
    # round at 360. Ranked by its stale remaining work (1000 s) job 0 would lose the V100;
    # by what it has left then (640 s) it keeps it.
    rows = [(0.0, 1, 1000.0, {"v100": 1.0}), (100.0, 1, 700.0, {"v100": 1.0})]
    builder = TraceBuilder("t")
    for line, (submit, gpus, work, speeds) in enumerate(rows, start=1):
        builder.add(line, submit, gpus, work, speeds=speeds)
    options = PolicyOptions(hetero_objective="min-jct")
    result = simulate(builder.build(), parse_cluster("v100=1x1"), "hetero", options)
    assert result.record.columns()["end"].tolist() == [1000.0, 1700.0]
    assert result.summary["preemptions"] == 0


def test_rounds_resume_after_an_idle_spell_so_a_waiting_job_gets_its_turn() -> None:
    # Job 0 runs 0-10 s; the round due at 360 finds nothing to do. Job 1 arrives at 400 and
    # takes the only GPU between rounds; job 2 arrives at 500 and waits. Max-min gives the
    # GPU to job 2 (no service yet) at the next round boundary (720) — there must be one
    # even though nothing else happens until job 1 would end at 10,400.
    rows = [
        (0.0, 1, 10.0, {"v100": 1.0}),
        (400.0, 1, 10_000.0, {"v100": 1.0}),
        (500.0, 1, 100.0, {"v100": 1.0}),
    ]
    builder = TraceBuilder("t")
    for line, (submit, gpus, work, speeds) in enumerate(rows, start=1):
        builder.add(line, submit, gpus, work, speeds=speeds)
    result = simulate(builder.build(), parse_cluster("v100=1x1"), "hetero")
    cols = result.record.columns()
    assert cols["start"].tolist() == [0.0, 400.0, 720.0]
    assert cols["end"][2] == 820.0
    assert result.summary["preemptions"] == 1


def test_an_assigned_gang_that_no_node_holds_waits_for_a_node_to_free() -> None:
    # Two nodes of 2 GPUs. X ends at 10 and leaves one GPU free on each node (Y and Z hold the
    # others). The 2-GPU gang C, least served, is admitted and assigned the V100s at the round
    # at 360 (the type has room in GPUs), but no node holds it: it waits, nobody is preempted
    # for it, and it starts when Y ends and frees a whole node.
    rows = [
        (0.0, 1, 10.0, {"v100": 1.0}),
        (0.0, 1, 1000.0, {"v100": 1.0}),
        (0.0, 1, 2000.0, {"v100": 1.0}),
        (20.0, 2, 100.0, {"v100": 1.0}),
    ]
    builder = TraceBuilder("t")
    for line, (submit, gpus, work, speeds) in enumerate(rows, start=1):
        builder.add(line, submit, gpus, work, speeds=speeds)
    result = simulate(builder.build(), parse_cluster("v100=2x2"), "hetero")
    cols = result.record.columns()
    assert cols["start"].tolist() == [0.0, 0.0, 0.0, 1000.0]
    assert result.summary["preemptions"] == 0


@pytest.mark.parametrize("cluster", ["a10=1x1,zz=1x1", "zz=1x1,a10=1x1"])
def test_jobs_are_not_moved_between_chips_of_equal_speed_whatever_the_cluster_order(
    cluster: str,
) -> None:
    builder = TraceBuilder("t")
    builder.add(1, 0.0, 1, 1000.0)
    builder.add(2, 0.0, 1, 1000.0)
    result = simulate(builder.build(), parse_cluster(cluster), "hetero")
    assert result.summary["preemptions"] == 0
    assert result.record.columns()["end"].tolist() == [1000.0, 1000.0]


def groups_of(result: SimulationResult, job: int) -> list[int]:
    segments = result.record.segments
    return [segments.group[i] for i in range(len(segments)) if segments.job[i] == job]


@pytest.mark.parametrize(("restart_s", "ends"), [(0.0, [1065.0, 425.0]), (None, [1125.0, 455.0])])
def test_a_job_is_paused_rather_than_moved_to_a_slower_chip(
    restart_s: float | None, ends: list[float]
) -> None:
    # The nearly-even job holds the V100 (group 0); a fast job arrives on the K80 (group 1).
    # At the round at 360 the fast job moves up to the V100 (it gains 10x, far more than a
    # restart costs); the even job is paused, not moved down to the K80 it would run slower
    # on, and goes back to the V100 when the fast job is done (at 425, or 455 with the
    # default 30 s restart, which it then pays too).
    rows = [(0.0, 1, 1000.0, NEARLY_EVEN), (10.0, 1, 1000.0, FAST_ON_V100)]
    result = run(rows, "hetero", restart_s=restart_s)
    assert groups_of(result, 0) == [0, 0]
    assert groups_of(result, 1) == [1, 0]
    assert result.record.columns()["end"].tolist() == ends
    alone = run([(0.0, 1, 1000.0, NEARLY_EVEN)], "hetero")
    assert alone.summary["preemptions"] == 0


@pytest.mark.parametrize(("restart_s", "preemptions"), [(0.0, 1), (None, 0)])
def test_a_move_up_is_made_only_if_it_repays_its_restart_within_a_round(
    restart_s: float | None, preemptions: int
) -> None:
    # Job 1 runs 5 % faster on the V100 that job 0 frees at 100. At the round at 360 a free
    # move (restart 0) gains; with the default restart (30 s) 1.05 x 330 s of work < 360 s
    # of staying, so the job stays on its K80.
    rows = [
        (0.0, 1, 100.0, {"v100": 1.0, "k80": 1.0}),
        (1.0, 1, 5000.0, {"v100": 1.05, "k80": 1.0}),
    ]
    result = run(rows, "hetero", restart_s=restart_s)
    assert groups_of(result, 1)[0] == 1
    assert result.summary["preemptions"] == preemptions


def test_a_job_still_restoring_at_a_round_has_done_no_work_there_yet() -> None:
    # A 280 s restart: the fast job moves up at 360 (10 x 80 s > 360 s of staying) and ends at
    # 705; the even job resumes on the V100 then and is still restoring at the round at 720.
    rows = [(0.0, 1, 1000.0, NEARLY_EVEN), (10.0, 1, 1000.0, FAST_ON_V100)]
    result = run(rows, "hetero", restart_s=280.0)
    assert groups_of(result, 0) == [0, 0]
    assert result.record.columns()["end"].tolist() == [1625.0, 705.0]


Row = tuple[int, int, int, dict[str, float]]  # submit, GPUs, work, speeds


def hetero_rows(last_submit: int, most_work: int, most_jobs: int) -> st.SearchStrategy[list[Row]]:
    """Jobs in arrival order (so job ids follow the list), with speeds on a V100 and a K80."""
    speeds = st.fixed_dictionaries(
        {"v100": st.sampled_from([1.0, 2.0, 10.0]), "k80": st.sampled_from([0.5, 1.0, 2.0])}
    )
    row = st.tuples(
        st.integers(0, last_submit), st.sampled_from([1, 1, 2]), st.integers(1, most_work), speeds
    )
    return st.lists(row, min_size=1, max_size=most_jobs).map(
        lambda r: sorted(r, key=lambda x: x[0])
    )


def trace_of(jobs: list[Row]) -> Trace:
    builder = TraceBuilder("t")
    for line, (submit, gpus, work, job_speeds) in enumerate(jobs, start=1):
        builder.add(line, float(submit), gpus, float(work), speeds=job_speeds)
    return builder.build()


@settings(max_examples=40, deadline=None)
@given(jobs=hetero_rows(900, 3000, 12), restart_s=st.sampled_from([0.0, None]))
def test_no_job_is_ever_moved_to_a_chip_where_it_runs_no_faster(
    jobs: list[Row], restart_s: float | None
) -> None:
    cluster = parse_cluster("v100=1x2,k80=2x1")
    result = simulate(trace_of(jobs), cluster, "hetero", PolicyOptions(restart_s=restart_s))
    seg = result.record.segments
    chips = [g.chip for g in cluster.groups]
    stopped: dict[int, tuple[float, str]] = {}
    for i in range(len(seg)):
        job, chip = seg.job[i], chips[seg.group[i]]
        if job in stopped and stopped[job][0] == seg.start[i]:  # resumed at once: a move
            before = stopped[job][1]
            assert jobs[job][3][chip] > jobs[job][3][before]
        stopped[job] = (seg.end[i], chip)
    assert (result.record.columns()["outcome"] == 1).all()


class EveryRound(HeterogeneityAware):
    """The policy as it was: the reallocation work at every round boundary."""

    def _needs_round(self, now: float) -> bool:
        return True

    def _next_wake(self) -> float:
        return self.next_round


def schedule_of(policy: Policy, trace: Trace, cluster: ClusterSpec) -> list[object]:
    """What a run did: first starts, ends, and every run segment's start, end and group."""
    sim = Simulator(cluster, policy, trace)
    sim.run()
    cols, seg = sim.record.columns(), sim.record.segments
    return [
        cols["start"].tolist(),
        cols["end"].tolist(),
        list(seg.start),
        list(seg.end),
        list(seg.group),
    ]


@settings(max_examples=60, deadline=None)
@given(
    jobs=hetero_rows(3000, 4000, 14),
    restart_s=st.sampled_from([0.0, None]),
    objective=st.sampled_from(OBJECTIVES),
)
def test_rounds_skipped_while_nothing_can_change_leave_the_schedule_as_it_was(
    jobs: list[Row], restart_s: float | None, objective: str
) -> None:
    trace = trace_of(jobs)
    cluster = parse_cluster("v100=1x2,k80=2x1")
    options = PolicyOptions(restart_s=restart_s, hetero_objective=objective)
    lazy = HeterogeneityAware(cluster, options)
    every = EveryRound(cluster, options)
    assert schedule_of(lazy, trace, cluster) == schedule_of(every, trace, cluster)
    assert lazy.rounds <= every.rounds


def test_no_round_does_reallocation_work_while_nothing_arrives_or_ends() -> None:
    # Two jobs, one per chip: the round at 0 starts them and the one at 360 finds nothing to
    # change; none follows until the fast job ends (10,000 s); the round after (10,080) moves
    # the even job up to the V100 and the next one (10,440) finds nothing more. Every round
    # boundary did that work before: 281 of them, to the even job's end.
    rows = [(0.0, 1, 100_000.0, FAST_ON_V100), (0.0, 1, 100_000.0, NEARLY_EVEN)]
    builder = TraceBuilder("t")
    for line, (submit, gpus, work, job_speeds) in enumerate(rows, start=1):
        builder.add(line, submit, gpus, work, speeds=job_speeds)
    cluster = parse_cluster("v100=1x1,k80=1x1")
    policy = HeterogeneityAware(cluster, PolicyOptions())
    sim = Simulator(cluster, policy, builder.build())
    sim.run()
    assert policy.rounds == 4
    assert sim.record.columns()["preemptions"].tolist() == [0, 1]
    every = EveryRound(cluster, PolicyOptions())
    Simulator(cluster, every, builder.build()).run()
    assert every.rounds == 281


def test_max_min_rounds_come_back_when_a_waiting_job_falls_behind_a_running_one() -> None:
    # Three equal jobs on one GPU: max-min time-slices them; between the swaps no arrival or
    # end happens, yet the rounds that swap them still come (at the boundary after the
    # running job's service passes the least-served waiting job's).
    rows = [(0.0, 1, 2000.0, {"v100": 1.0})] * 3
    builder = TraceBuilder("t")
    for line, (submit, gpus, work, job_speeds) in enumerate(rows, start=1):
        builder.add(line, submit, gpus, work, speeds=job_speeds)
    cluster = parse_cluster("v100=1x1")
    options = PolicyOptions(restart_s=0.0)
    lazy, every = HeterogeneityAware(cluster, options), EveryRound(cluster, options)
    assert schedule_of(lazy, builder.build(), cluster) == schedule_of(
        every, builder.build(), cluster
    )
    assert 0 < lazy.rounds <= every.rounds
