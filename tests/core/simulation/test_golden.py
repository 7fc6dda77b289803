import pytest

from tests.core.simulation.golden import expected_schedule, run_golden


def test_fifo_packs_best_fit_and_blocks_behind_a_whole_node_gang_as_worked_by_hand() -> None:
    result, actual = run_golden("fifo_packing", "h800=2x8", "fifo")
    assert actual == expected_schedule("fifo_packing")
    summary = result.summary
    assert summary["avg_jct_s"] == pytest.approx(79.4)
    assert summary["avg_wait_s"] == pytest.approx(39.4)
    assert summary["makespan_s"] == 120
    assert summary["utilization"] == pytest.approx(0.5)
