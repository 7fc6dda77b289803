"""Agreement between a real schedule and a simulated one: start order and waits."""

import math

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.simulation.fidelity import (
    Times,
    compare,
    free_while_waiting,
    kendall_tau_b,
    makespan,
    pair_counts,
    recorded_second_end,
)


def test_identical_orders_have_tau_one_and_reversed_orders_minus_one() -> None:
    assert kendall_tau_b([1, 2, 3, 4], [10, 20, 30, 40]) == 1.0
    assert kendall_tau_b([1, 2, 3, 4], [40, 30, 20, 10]) == -1.0


def test_pairs_are_counted_concordant_discordant_or_tied_on_one_side() -> None:
    # x = [1, 1, 2, 1], y = [5, 6, 7, 5]: (0,1) and (1,3) tied in x only; (0,2), (1,2) and
    # (2,3) concordant; (0,3) tied on both sides, so not counted at all
    assert pair_counts([1, 1, 2, 1], [5, 6, 7, 5]) == (3, 0, 2, 0)
    assert pair_counts([1, 2], [3, 3]) == (0, 0, 0, 1)
    assert pair_counts([2, 1], [1, 2]) == (0, 1, 0, 0)


def test_tau_b_corrects_for_ties_by_hand() -> None:
    # x = [1, 2, 2], y = [1, 2, 3]: C = 2, D = 0, tied only in x = 1, only in y = 0
    # tau_b = 2 / sqrt((2 + 0 + 1) * (2 + 0 + 0)) = 2 / sqrt(6)
    assert kendall_tau_b([1, 2, 2], [1, 2, 3]) == pytest.approx(2 / math.sqrt(6))


def test_tau_b_is_undefined_when_one_side_is_all_ties() -> None:
    assert math.isnan(kendall_tau_b([1, 1, 1], [1, 2, 3]))


def test_compare_reports_order_agreement_wait_differences_and_makespans() -> None:
    real = {
        "a": Times(0, 0, 10),
        "b": Times(1, 10, 20),
        "c": Times(2, 20, 30),
        "d": Times(3, 21, 25),
    }
    sim = {
        "a": Times(0, 0, 10),
        "b": Times(1, 12, 22),  # wait 11 instead of 9
        "c": Times(2, 10, 20),  # wait 8 instead of 18: c now starts before b
        "d": Times(3, 22, 26),  # wait 19 instead of 18
    }
    agreement = compare(real, sim)
    assert agreement.jobs == 4
    # real start order a < b < c < d; simulated a < c < b < d: one of six pairs discordant
    assert agreement.pairs_compared == 6
    assert agreement.concordant_fraction == pytest.approx(5 / 6)
    assert agreement.kendall_tau_b == pytest.approx((5 - 1) / 6)
    # |differences| = 0, 2, 10, 1
    assert agreement.mean_abs_wait_diff_s == pytest.approx(13 / 4)
    assert agreement.median_abs_wait_diff_s == pytest.approx(1.5)
    assert agreement.max_abs_wait_diff_s == 10.0
    assert agreement.p95_abs_wait_diff_s == pytest.approx(10 - 0.05 * 3 * 8)
    assert agreement.mean_wait_diff_s == pytest.approx((0 + 2 - 10 + 1) / 4)
    assert agreement.mean_wait_real_s == pytest.approx((0 + 9 + 18 + 18) / 4)
    assert agreement.mean_wait_sim_s == pytest.approx((0 + 11 + 8 + 19) / 4)
    assert (agreement.makespan_real_s, agreement.makespan_sim_s) == (30.0, 26.0)
    assert agreement.as_dict()["jobs"] == 4


def test_a_single_job_has_no_pairs_to_compare() -> None:
    agreement = compare({"a": Times(0, 1, 2)}, {"a": Times(0, 1, 2)})
    assert agreement.pairs_compared == 0
    assert math.isnan(agreement.concordant_fraction)
    assert math.isnan(agreement.kendall_tau_b)


def test_jobs_missing_from_one_run_are_named() -> None:
    with pytest.raises(RuleViolation, match="jobs in only one run: b, c") as caught:
        compare(
            {"a": Times(0, 0, 1), "b": Times(0, 0, 1)}, {"a": Times(0, 0, 1), "c": Times(0, 0, 1)}
        )
    assert caught.value.field == "jobs"


def test_comparing_no_jobs_is_an_error() -> None:
    with pytest.raises(RuleViolation, match="no jobs to compare"):
        compare({}, {})


def test_makespan_runs_from_the_first_submit_to_the_last_end() -> None:
    assert makespan([Times(5, 6, 9), Times(2, 8, 12)]) == 10.0


def test_free_gpu_seconds_while_jobs_waited_are_summed_per_chip_by_hand() -> None:
    jobs = [
        Times(0, 0, 10, gpus=6, chip="h800"),  # leaves 2 of 8 free
        Times(2, 10, 12, gpus=4, chip="h800"),  # waits 2..10 with 2 GPUs free: 16 GPU-s
        Times(0, 3, 4, gpus=1, chip="br104"),  # waits 0..3 with all 4 free: 12 GPU-s
        Times(5, 5, 6, gpus=4, chip="br104"),  # never waits
    ]
    assert free_while_waiting(jobs, {"h800": 8, "br104": 4}) == 28.0
    assert free_while_waiting([], {}) == 0.0


def test_free_gpu_seconds_need_the_capacity_of_every_chip() -> None:
    with pytest.raises(RuleViolation, match="no capacity given for chip 'br104'"):
        free_while_waiting([Times(0, 1, 2, chip="br104")], {"h800": 8})


def test_a_replayed_end_keeps_its_starts_phase_and_stays_in_the_recorded_second() -> None:
    end_at = recorded_second_end(0.06, 0.02)
    # Started 0.3 s into second 10, recorded as running 58 s: ends 0.36 s into second 68.
    assert end_at(10.3, 58.0) == pytest.approx(68.38)
    # Started late in its second: the 0.06 s over would cross into second 70, which the
    # record does not give, so it ends at second 69's last millisecond.
    assert end_at(10.97, 59.0) == pytest.approx(69.999 + 0.02)
    # A start a float's rounding puts a hair under its second counts in that second.
    assert recorded_second_end(0.0, 0.0)(9.9999995, 58.0) == 68.0


@pytest.mark.parametrize(("over", "hold", "field"), [(1.0, 0.0, "over_s"), (0.0, -0.1, "hold_s")])
def test_a_run_over_or_hold_of_a_second_or_more_or_below_zero_is_refused(
    over: float, hold: float, field: str
) -> None:
    with pytest.raises(RuleViolation) as caught:
        recorded_second_end(over, hold)
    assert caught.value.field == field
