import math

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.model import parse_cluster
from aisc.core.scheduling.policies import POLICIES, make_policy
from aisc.core.scheduling.policy import UsageMeter


def test_an_unknown_policy_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(RuleViolation) as caught:
        make_policy("lottery", parse_cluster("h800=1x8"))
    assert caught.value.field == "policy"
    assert "unknown policy 'lottery'; known: fifo" in caught.value.message
    assert make_policy("fifo", parse_cluster("h800=1x8")).name == "fifo"
    assert "fifo" in POLICIES


def test_usage_without_decay_is_gpu_seconds_run() -> None:
    meter = UsageMeter()
    meter.change("p1", 4, 0.0)
    meter.change("p1", -4, 10.0)
    meter.change("p2", 1, 5.0)
    assert meter.at(15.0) == {"p1": 40.0, "p2": 10.0}


def test_usage_halves_after_one_half_life_and_integrates_the_decayed_rate() -> None:
    meter = UsageMeter(half_life_s=100.0)
    meter.change("p1", 1, 0.0)
    meter.change("p1", -1, 100.0)
    accrued = 100.0 / math.log(2) * 0.5  # integral of 2^(-(100-s)/100) over [0, 100]
    assert meter.at(100.0)["p1"] == pytest.approx(accrued)
    assert meter.at(200.0)["p1"] == pytest.approx(accrued / 2)
