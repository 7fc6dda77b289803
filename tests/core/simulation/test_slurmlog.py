"""slurmctld's log read to the millisecond: per-job times, the backfill clock, the decay phase."""

import datetime as dt

import pytest

from aisc.core.simulation.slurmlog import backfill_clock, decay_phase, parse, wake_clock

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


def test_the_backfill_clock_is_fitted_to_the_cycles_that_started_jobs() -> None:
    # Cycles at .215, then 10.03 s later (two periods) and 20.06 s later: 5.015 s each; two
    # starts a millisecond apart are one cycle.
    log = parse(backfill_starts("20:43:32.215", "20:43:32.216", "20:43:42.245", "20:43:52.275"))
    origin, period = backfill_clock(log, 5.0) or (0.0, 0.0)
    assert origin == at("20:43:32.215")
    assert period == pytest.approx(5.015)


def test_the_backfill_clock_needs_two_cycles_and_keeps_the_interval_for_one_period() -> None:
    assert backfill_clock(parse(backfill_starts("20:43:32.215")), 5.0) is None
    same = parse(backfill_starts("20:43:32.215", "20:43:33.215"))  # closer than one interval
    assert backfill_clock(same, 5.0) == (at("20:43:32.215"), 5.0)


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


def test_the_background_threads_wake_ups_are_fitted_to_its_main_loop_passes() -> None:
    # Passes 3 and 6 wake-ups apart, 4 ms a wake-up late, plus one right after a job ended
    # (off this clock) and one more that fits no wake-up.
    text = main_passes("20:43:56.240", "20:43:59.252", "20:44:05.276", "20:44:08.288")
    text += main_passes("20:44:01.900")
    text += "[2026-12-05T20:44:03.580] _job_complete: JobId=77 done\n"
    text += "[2026-12-05T20:44:03.600] sched: Allocate JobId=78 NodeList=n #CPUs=2 Partition=p\n"
    origin, period = wake_clock(parse(text)) or (0.0, 0.0)
    assert period == pytest.approx(1.004, abs=2e-4)
    steps = (origin - at("20:43:56.240")) / period  # any wake-up of the fitted clock will do
    assert steps == pytest.approx(round(steps), abs=0.02)


def test_the_wake_up_clock_needs_three_passes_off_job_ends() -> None:
    assert wake_clock(parse(main_passes("20:43:56.240", "20:43:59.252"))) is None
