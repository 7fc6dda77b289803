import pytest

from aisc.core.scheduling.policy import PolicyOptions
from tests.core.simulation.golden import expected_schedule, run_golden


def test_fifo_packs_best_fit_and_blocks_behind_a_whole_node_gang_as_worked_by_hand() -> None:
    result, actual = run_golden("fifo_packing", "h800=2x8", "fifo")
    assert actual == expected_schedule("fifo_packing")
    summary = result.summary
    assert summary["avg_jct_s"] == pytest.approx(79.4)
    assert summary["avg_wait_s"] == pytest.approx(39.4)
    assert summary["makespan_s"] == 120
    assert summary["utilization"] == pytest.approx(0.5)


AGE_ONLY = PolicyOptions(weight_fairshare=0.0, weight_jobsize=0.0)


def test_easy_backfill_follows_the_schedule_worked_by_hand() -> None:
    result, actual = run_golden("easy_backfill", "h800=3x8", "backfill", AGE_ONLY)
    assert actual == expected_schedule("easy_backfill")
    assert result.summary["avg_jct_s"] == pytest.approx(79.0)
    assert result.summary["makespan_s"] == 230


def test_without_backfill_the_blocked_gang_holds_everything_behind_it() -> None:
    _, actual = run_golden("easy_backfill", "h800=3x8", "multifactor", AGE_ONLY)
    # D starts when B ends at 50; E, F and G wait behind it although n0 had 4 GPUs from 30.
    assert actual[21] == (50.0, 60.0)
    assert actual[22] == (50.0, 250.0)  # on n0, right after D
    assert actual[23] == (60.0, 80.0)
    assert actual[24] == (60.0, 70.0)
