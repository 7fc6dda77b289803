"""Sweep variants: every combination of the axes, named after what changed."""

import pytest

from aisc.core.capacity.report import plan
from aisc.core.capacity.scenario import scenario_from_dict
from aisc.core.capacity.sweep import summarise, variants
from aisc.core.errors import RuleViolation

BASE = scenario_from_dict(
    {
        "name": "base",
        "start": "2026-01",
        "months": 1,
        "inventory": [{"chip": "h800", "nodes": 4, "from": "2026-01"}],
        "shape": {"median_h": 4, "max_h": 24},
        "mix": [{"chip": "h800", "count": 2, "nodes": 1, "months": 1}],
    }
)


def test_every_combination_of_the_axes_is_a_variant_named_after_its_changes() -> None:
    made = variants([BASE], ["fifo", "backfill"], [1.0, 1.5], [0.5])
    assert [v.name for v in made] == [
        "base fifo x1 scale0.5",
        "base fifo x1.5 scale0.5",
        "base backfill x1 scale0.5",
        "base backfill x1.5 scale0.5",
    ]
    assert [v.inventory[0].nodes for v in made] == [2] * 4
    assert made[1].overbooking == 1.5
    assert variants([BASE]) == [BASE]


@pytest.mark.parametrize(
    ("axes", "field"), [((["las"], [], []), "policy"), (([], [0.0], []), "sweep")]
)
def test_a_bad_axis_is_refused(
    axes: tuple[list[str], list[float], list[float]], field: str
) -> None:
    with pytest.raises(RuleViolation) as caught:
        variants([BASE], *axes)
    assert caught.value.field == field


def test_a_variant_is_summarised_in_one_line() -> None:
    line = summarise(plan(BASE, [1, 2]))
    assert line["nodes"] == 4
    assert line["seeds"] == 2
    assert line["utilization"] == pytest.approx(0.5, abs=0.06)  # 2 busy projects on 4 nodes
    assert line["saturation_month"] is None
    idle = summarise(plan(variants([BASE], scales=[0.1])[0], [1]))
    assert idle["nodes"] == 0
    assert idle["utilization"] == 0.0
