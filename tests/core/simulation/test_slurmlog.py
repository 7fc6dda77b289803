"""slurmctld's log read to the millisecond: per-job times, the threads' passes, the decay phase."""

import datetime as dt

import pytest

from aisc.core.simulation.slurmlog import backfill_cycles, decay_phase, parse, wake_ups

LOG = """\
[2026-12-05T20:43:26.822] _slurm_rpc_submit_batch_job: JobId=433 InitPrio=1 usec=450
[2026-12-05T20:43:26.903] _slurm_rpc_submit_batch_job: JobId=434 InitPrio=1 usec=356
[2026-12-05T20:43:26.999] sched: Allocate JobId=433 NodeList=br104-01 #CPUs=2 Partition=br104
not a log line
[2026-12-05T20:43:29.395] _slurm_rpc_submit_batch_job: JobId=439 InitPrio=8000 usec=523
[2026-12-05T20:43:32.215] sched/backfill: _start_job: Started JobId=434 in br104 on br104-02
[2026-12-05T20:43:32.216] sched/backfill: _start_job: Started JobId=439 in br104 on br104-02
[2026-12-05T20:43:40.174] _job_complete: JobId=433 WEXITSTATUS 0
[2026-12-05T20:43:40.175] _job_complete: JobId=433 done
[2026-12-05T20:43:52.230] _job_complete: JobId=434 done
"""


def at(clock: str) -> float:
    return dt.datetime.fromisoformat(f"2026-12-05T{clock}").replace(tzinfo=dt.UTC).timestamp()


def test_it_reads_each_jobs_submission_start_loop_and_end_to_the_millisecond() -> None:
    log = parse(LOG)
    assert log.submits["433"] == (at("20:43:26.822"), 1)
    assert log.submits["439"][1] == 8000
    assert log.starts["433"] == (at("20:43:26.999"), "main")
    assert log.starts["434"] == (at("20:43:32.215"), "backfill")
    assert log.ends["433"] == at("20:43:40.175")  # the `done` line, not the exit status
    assert log.times("433") == (at("20:43:26.822"), at("20:43:26.999"), at("20:43:40.175"))


def test_a_log_is_complete_only_with_every_jobs_submission_start_and_end() -> None:
    log = parse(LOG)
    assert log.complete(["433", "434"])
    assert not log.complete(["433", "439"])  # 439 never ends here
    assert not log.complete(["999"])


def backfill_starts(*clocks: str) -> str:
    return "".join(
        f"[2026-12-05T{c}] sched/backfill: _start_job: Started JobId={i} in p on n\n"
        for i, c in enumerate(clocks)
    )


def test_the_backfill_cycles_are_those_that_started_jobs_one_per_burst_of_starts() -> None:
    log = parse(backfill_starts("20:43:32.215", "20:43:32.216", "20:43:42.245", "20:43:52.275"))
    assert backfill_cycles(log) == (at("20:43:32.215"), at("20:43:42.245"), at("20:43:52.275"))
    assert backfill_cycles(parse(LOG)) == (at("20:43:32.215"),)


def submits(*rows: tuple[str, int]) -> str:
    return "".join(
        f"[2026-12-05T{clock}] _slurm_rpc_submit_batch_job: JobId={i} InitPrio={prio} usec=1\n"
        for i, (clock, prio) in enumerate(rows)
    )


def test_the_decay_phase_is_where_priority_changes_of_one_account_overlap_modulo_the_period() -> (
    None
):
    # Account a changes between :27.0 and :29.0 of one minute, b between :28.5 and :31.0 of
    # the next, and a again between 4:10.0 and 4:29.4: the passes lie in [:28.5, :29.0].
    text = submits(
        ("20:43:27.000", 1), ("20:43:29.000", 8000),
        ("20:44:28.500", 6000), ("20:44:31.000", 4000),
        ("20:46:10.000", 8000), ("20:46:29.400", 6000),
    )  # fmt: skip
    accounts = {"0": "a", "1": "a", "2": "b", "3": "b", "4": "a", "5": "a"}
    low, high = decay_phase(parse(text), accounts, 60.0) or (0.0, 0.0)
    assert [low % 60, high % 60] == pytest.approx([28.5, 29.0])


def test_the_decay_phase_is_unknown_without_changes_or_when_they_disagree() -> None:
    same = submits(("20:43:27.000", 8000), ("20:43:29.000", 8000))
    assert decay_phase(parse(same), {"0": "a", "1": "a"}, 60.0) is None
    apart = submits(
        ("20:43:10.000", 1), ("20:43:12.000", 8000), ("20:44:40.000", 1), ("20:44:42.000", 8000)
    )
    assert decay_phase(parse(apart), {"0": "a", "1": "a", "2": "a", "3": "a"}, 60.0) is None


def test_the_decay_phase_skips_other_jobs_and_changes_a_whole_period_apart() -> None:
    text = submits(
        ("20:43:27.000", 1), ("20:43:29.000", 8000),  # a: [:27, :29]
        ("20:43:00.000", 1), ("20:45:00.000", 8000),  # b: two minutes apart, no news
        ("20:43:28.000", 5),  # not one of ours
    )  # fmt: skip
    accounts = {"0": "a", "1": "a", "2": "b", "3": "b"}
    low, high = decay_phase(parse(text), accounts, 60.0) or (0.0, 0.0)
    assert [low % 60, high % 60] == pytest.approx([27.0, 29.0])


@pytest.mark.parametrize(
    "rows",
    [
        # [:00.5, :02], then [:59.8, :60.8] of a later minute, moved back one period.
        [("20:43:00.500", 1), ("20:43:02.000", 8000), ("20:45:59.800", 1), ("20:46:00.800", 8000)],
        # [:59.8, :60.8], then [:00.5, :02] of a later minute, moved on one period.
        [("20:45:59.800", 1), ("20:46:00.800", 8000), ("20:48:00.500", 1), ("20:48:02.000", 8000)],
    ],
)
def test_the_decay_phase_meets_intervals_across_the_turn_of_the_minute(
    rows: list[tuple[str, int]],
) -> None:
    accounts = {"0": "a", "1": "a", "2": "b", "3": "b"}
    low, high = decay_phase(parse(submits(*rows)), accounts, 60.0) or (0.0, 0.0)
    assert [low % 60, high % 60] == pytest.approx([0.5, 0.8])


def main_passes(*clocks: str) -> str:
    return "".join(
        f"[2026-12-05T{c}] sched: Allocate JobId={i} NodeList=n #CPUs=2 Partition=p\n"
        for i, c in enumerate(clocks)
    )


def test_the_background_threads_wake_ups_chain_its_passes_a_whole_number_of_turns_apart() -> None:
    # Passes 3, 6 and 3 turns apart, 4 ms a turn late; one at :01.900 fits no turn, and one
    # right after a job ended is off this clock.
    text = main_passes(
        "20:43:56.240", "20:43:59.252", "20:44:05.276", "20:44:08.288", "20:44:01.900"
    )
    text += "[2026-12-05T20:44:03.580] _job_complete: JobId=77 done\n"
    text += "[2026-12-05T20:44:03.600] sched: Allocate JobId=78 NodeList=n #CPUs=2 Partition=p\n"
    assert wake_ups(parse(text)) == tuple(
        at(c) for c in ("20:43:56.240", "20:43:59.252", "20:44:05.276", "20:44:08.288")
    )


def test_the_wake_up_chain_starts_from_whichever_early_pass_keeps_the_most() -> None:
    # The first pass is an outlier (after an epilog, say): the chain starts at the second.
    text = main_passes("20:43:55.700", "20:43:56.240", "20:43:59.252", "20:44:02.264")
    assert wake_ups(parse(text)) == tuple(
        at(c) for c in ("20:43:56.240", "20:43:59.252", "20:44:02.264")
    )
    assert wake_ups(parse("")) == ()


def test_at_debug_level_every_pass_of_each_thread_is_read() -> None:
    text = (
        "[2026-12-06T02:41:40.741] debug:  sched: Running job scheduler for default depth.\n"
        "[2026-12-06T02:41:44.054] debug:  sched/backfill: _attempt_backfill: beginning\n"
        "[2026-12-06T02:42:02.413] priority/multifactor: _apply_priority_fs: PRIO: Fair Tree "
        "fairshare algorithm, starting at root:\n"
        "[2026-12-06T02:42:02.947] debug:  sched: Running job scheduler for full queue.\n"
    )
    log = parse(text)
    day = "2026-12-06T02:4"
    stamp = [
        dt.datetime.fromisoformat(f"{day}{c}").replace(tzinfo=dt.UTC).timestamp()
        for c in ("1:40.741", "1:44.054", "2:02.413", "2:02.947")
    ]
    assert log.passes == [(stamp[0], False), (stamp[3], True)]
    assert log.cycles == [stamp[1]]
    assert log.decays == [stamp[2]]
