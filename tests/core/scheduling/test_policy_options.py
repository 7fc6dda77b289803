import pytest

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.policy import PolicyOptions


@pytest.mark.parametrize("depth", [0, -1, True, 2.5, 1_000_001])
def test_policy_options_refuse_a_backfill_depth_slurm_would_refuse(depth: object) -> None:
    with pytest.raises(RuleViolation) as caught:
        PolicyOptions(bf_max_job_test=depth)  # type: ignore[arg-type]
    assert caught.value.field == "bf_max_job_test"


def test_the_default_backfill_depth_is_slurms() -> None:
    assert PolicyOptions().bf_max_job_test == 100


@pytest.mark.parametrize("depth", [1, 1_000_000])
def test_policy_options_take_the_ends_of_slurms_range(depth: int) -> None:
    assert PolicyOptions(bf_max_job_test=depth).bf_max_job_test == depth
