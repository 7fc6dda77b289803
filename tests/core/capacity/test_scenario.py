"""A scenario is read from TOML or a dict, and bad input is refused naming the field and rule."""

import datetime as dt
from typing import Any

import pytest

from aisc.core.capacity import fields
from aisc.core.capacity.inventory import capacity_gpu_hours, groups_at, stretches
from aisc.core.capacity.scenario import Shape, scenario_from_dict, scenario_from_toml
from aisc.core.errors import RuleViolation

TOML = """
name = "two-step"
start = "2026-01"
months = 24

[policy]
name = "multifactor"
overbooking = 1.2
target_utilization = 0.85

[pipeline]
award_probability = 0.4

[shape]
median_h = 12
sigma = 0.5
max_h = 72
gang_nodes = 1

[sizes.small]
nodes = 1
months = 2
max_nodes = 1

[[inventory]]
chip = "h800"
nodes = 164
from = "2026-01"
until = "2027-01"

[[inventory]]
chip = "h800"
pflops = 3000
precision = "bf16"
from = 2027-01-01

[[inventory]]
chip = "h800"
nodes = 4
reserved_for = "p-big"
from = "2026-01"

[[maintenance]]
chip = "h800"
from = "2026-06-01"
until = "2026-06-03"
nodes = 10

[[awards]]
project = "p-big"
chip = "h800"
gpu_hours = 500000
nodes = 4
shape = { median_h = 48, max_h = 200 }
start = "2025-10"
end = "2026-10"

[[applications]]
project = "p-new"
chip = "h800"
gpu_hours = 100000
nodes = 2
start = "2026-03"
end = "2026-09"

[[applications]]
project = "p-sure"
chip = "h800"
gpu_hours = 1000
start = "2026-03"
end = "2026-04"
probability = 0.9

[[history]]
month = "2026-01"
project = "p-old"
chip = "h800"
gpu_hours = 2000
nodes = 2

[[mix]]
name = "large"
chip = "h800"
count = 4
nodes = 10
months = 12

[[mix]]
name = "small"
chip = "h800"
per_month = 1.5
nodes = [2, 3]
months = 3
start = "2026-02"
use = 0.8
shape = { median_h = 6 }
"""


def minimal(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "start": "2026-01",
        "months": 12,
        "inventory": [{"chip": "h800", "nodes": 10, "from": "2026-01"}],
    }
    data.update(extra)
    return data


def refused(data: dict[str, Any]) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        scenario_from_dict(data)
    return caught.value


def test_a_full_toml_scenario_reads_every_table() -> None:
    s = scenario_from_toml(TOML)
    assert (s.name, s.months, s.policy, s.overbooking, s.target_utilization) == (
        "two-step",
        24,
        "multifactor",
        1.2,
        0.85,
    )
    assert s.end == dt.datetime(2028, 1, 1)
    # 3,000 PFLOPS BF16 dense at 989.4 TFLOPS a GPU, 8 a node: 379 nodes.
    assert [r.nodes for r in s.inventory] == [164, 379, 4]
    assert s.inventory[2].partition == "dedicated"
    assert s.shape == Shape(12.0, 0.5, 72.0, 1)
    assert [st.probability for st in s.streams] == [1.0, 0.4, 0.9, 1.0]
    assert s.streams[3].history
    assert s.streams[3].end == dt.datetime(2026, 2, 1)
    assert s.mixes[1].nodes == (2, 3)
    assert s.mixes[1].shape == Shape(6.0, 1.0, 168.0, 0)
    assert s.mixes[0].shape is None
    assert s.streams[0].shape == Shape(48.0, 1.0, 200.0, 0)
    assert s.streams[1].shape is None
    assert s.mixes[0].start == s.start
    assert s.maintenance[0].nodes == 10
    assert s.size_of(1) == "small"
    assert s.size_of(3) == "medium"
    assert s.size_of(10) == "large"
    assert s.chips() == ("h800",)
    assert s.gpus_per_node("h800") == 8


def test_the_inventory_gives_a_cluster_per_stretch_with_maintenance_taken_from_shared_nodes() -> (
    None
):
    s = scenario_from_toml(TOML)
    during = groups_at(s, dt.datetime(2026, 6, 2))
    assert [(g.nodes, g.reserved_for) for g in during] == [(154, None), (4, "p-big")]
    parts = stretches(s)
    assert [p.start / 86_400 for p in parts][:3] == [0.0, 151.0, 153.0]
    assert parts[-1].gpus("h800") == (379 + 4) * 8
    capacity = capacity_gpu_hours(s, parts)
    assert capacity[0, 0] == 168 * 8 * 31 * 24
    assert capacity[5, 0] == 168 * 8 * 30 * 24 - 10 * 8 * 48


def test_maintenance_of_more_nodes_than_there_are_takes_them_all_and_a_chip_may_vanish() -> None:
    s = scenario_from_dict(
        minimal(
            inventory=[
                {"chip": "h800", "nodes": 2, "from": "2026-01"},
                {"chip": "br104", "nodes": 2, "from": "2026-01"},
            ],
            maintenance=[
                {"chip": "h800", "from": "2026-02", "until": "2026-03"},
                {"chip": "h800", "from": "2026-02-10", "until": "2026-02-11", "nodes": 5},
            ],
        )
    )
    assert [g.chip for g in groups_at(s, dt.datetime(2026, 2, 10, 12))] == ["br104"]


def test_the_default_sizes_and_policy_apply_when_the_scenario_gives_none() -> None:
    s = scenario_from_dict(minimal())
    assert s.policy == "backfill"
    assert s.overbooking == 1.0
    assert s.target_utilization == 0.9
    assert s.size_classes()["large"].nodes == 10
    assert s.size_of(3) == "medium"


@pytest.mark.parametrize(
    ("change", "field", "rule"),
    [
        ({"inventory": [{"chip": "h900", "nodes": 1, "from": "2026-01"}]}, "inventory[0].chip",
         "unknown chip"),
        ({"inventory": [{"chip": "h800", "nodes": -3, "from": "2026-01"}]}, "inventory[0].nodes",
         "not negative"),
        ({"inventory": [{"chip": "h800", "nodes": 1.5, "from": "2026-01"}]}, "inventory[0].nodes",
         "whole number"),
        ({"inventory": [{"chip": "h800", "nodes": "many", "from": "2026-01"}]},
         "inventory[0].nodes", "finite number"),
        ({"inventory": [{"chip": "h800", "from": "2026-01"}]}, "inventory[0].nodes", "required"),
        ({"inventory": [{"chip": "h800", "nodes": 1, "from": "soon"}]}, "inventory[0].from",
         "is not a month"),
        ({"inventory": [{"chip": "h800", "nodes": 1, "from": "2026-13"}]}, "inventory[0].from",
         "is not a month"),
        ({"inventory": [{"chip": "h800", "nodes": 1, "from": 2026}]}, "inventory[0].from",
         "is not a month"),
        ({"awards": [{"chip": "h800", "gpu_hours": 1, "start": "2026-01", "end": "2026-03"}]},
         "awards[0].project", "is required"),
        ({"inventory": [{"chip": "", "nodes": 1, "from": "2026-01"}]}, "inventory[0].chip",
         "non-empty"),
        ({"inventory": [{"chip": "h800", "nodes": 1, "from": "2026-05", "until": "2026-02"}]},
         "inventory[0].until", "after its from"),
        ({"inventory": [
            {"chip": "h800", "nodes": 1, "from": "2026-01"},
            {"chip": "h800", "nodes": 2, "from": "2026-06"},
        ]}, "inventory[1].from", "overlap"),
        ({"inventory": [
            {"chip": "h800", "nodes": 1, "from": "2026-01", "until": "2026-07"},
            {"chip": "h800", "nodes": 2, "from": "2026-06"},
        ]}, "inventory[1].from", "overlap"),
        ({"inventory": [{"chip": "h800", "pflops": 10, "precision": "fp4", "from": "2026-01"}]},
         "inventory[0].precision", "must be one of"),
        ({"inventory": [{"chip": "br104", "pflops": 10, "precision": "fp8", "from": "2026-01"}]},
         "inventory[0].precision", "no published dense fp8"),
        ({"inventory": []}, "inventory", "at least one"),
        ({"inventory": {"chip": "h800"}}, "inventory", "list of tables"),
        ({"start": "2026-01-15"}, "scenario.start", "must be a month"),
        ({"months": 0}, "scenario.months", "at least 1"),
        ({"months": 500}, "scenario.months", "at most 120"),
        ({"policy": {"name": "las"}}, "policy.name", "cannot close"),
        ({"policy": {"overbooking": 20}}, "policy.overbooking", "at most 10"),
        ({"policy": {"target_utilization": 0}}, "policy.target_utilization", "greater than 0"),
        ({"policy": "fast"}, "policy", "must be a table"),
        ({"pipeline": {"award_probability": 1.5}}, "pipeline.award_probability", "at most 1"),
        ({"history": [{"month": "2027-03", "project": "p", "chip": "h800", "gpu_hours": 1}]},
         "history[0].month", "outside the horizon"),
        ({"history": [{"month": "2026-03", "project": "p", "chip": "br104", "gpu_hours": 1}]},
         "history[0].chip", "in no [[inventory]] row"),
        ({"awards": [{"project": "p", "chip": "h800", "gpu_hours": -1, "start": "2026-01",
                      "end": "2026-03"}]}, "awards[0].gpu_hours", "not negative"),
        ({"awards": [{"project": "p", "chip": "h800", "gpu_hours": 1, "start": "2026-03",
                      "end": "2026-03"}]}, "awards[0].end", "after its start"),
        ({"awards": [{"project": "p", "chip": "h800", "gpu_hours": 1, "start": "2024-01",
                      "end": "2025-03"}]}, "awards[0].end", "outside the horizon"),
        ({"applications": [{"project": "p", "chip": "h800", "gpu_hours": 1, "start": "2027-01",
                            "end": "2027-03"}]}, "applications[0].end", "outside the horizon"),
        ({"mix": [{"chip": "h800", "nodes": 2, "months": 3}]}, "mix[0].count", "a count"),
        ({"mix": [{"chip": "h800", "nodes": 2, "months": 3, "count": 1, "start": "2030-01"}]},
         "mix[0].start", "outside the horizon"),
        ({"mix": [{"chip": "h800", "nodes": [3, 2], "months": 3, "count": 1}]}, "mix[0].nodes",
         "below its low end"),
        ({"mix": [{"chip": "h800", "nodes": [3], "months": 3, "count": 1}]}, "mix[0].nodes",
         "two numbers"),
        ({"mix": [{"chip": "h800", "nodes": 0, "months": 3, "count": 1}]}, "mix[0].nodes",
         "at least 1"),
        ({"mix": [{"chip": "h800", "months": 3, "count": 1}]}, "mix[0].nodes", "required"),
        ({"mix": [{"chip": "h800", "nodes": 1, "months": 3, "count": 1, "use": 0}]},
         "mix[0].use", "greater than 0"),
        ({"maintenance": [{"chip": "h800", "from": "2026-03-02", "until": "2026-03-01"}]},
         "maintenance[0].until", "after its from"),
        ({"maintenance": [{"chip": "h800", "from": "2025-03-02", "until": "2026-03-01"}]},
         "maintenance[0].from", "outside the horizon"),
        ({"shape": {"median_h": 10, "max_h": 5}}, "shape.max_h", "at least median_h"),
        ({"history": [{"month": "2026-03", "project": "p", "chip": "h800", "gpu_hours": 1,
                       "shape": {"median_h": 0}}]}, "history[0].shape.median_h", "greater than 0"),
        ({"sizes": {"small": {"max_nodes": 5}, "medium": {"max_nodes": 4}}},
         "sizes.medium.max_nodes", "above sizes.small"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_naming_the_field_and_the_rule(
    change: dict[str, Any], field: str, rule: str
) -> None:
    error = refused(minimal(**change))
    assert error.field == field
    assert rule in error.message
    assert field in error.message


def test_a_toml_syntax_error_is_refused_as_the_scenario() -> None:
    with pytest.raises(RuleViolation) as caught:
        scenario_from_toml("start = ")
    assert caught.value.field == "scenario"


def test_dates_read_as_months_days_and_date_times_in_utc() -> None:
    row = {
        "a": "2026-03",
        "b": "2026-03-04",
        "c": dt.date(2026, 3, 4),
        "d": dt.datetime(2026, 3, 4, 5),
        "e": dt.datetime(2026, 3, 4, 13, tzinfo=dt.timezone(dt.timedelta(hours=8))),
    }
    read = [fields.when(row, key, "t") for key in "abcde"]
    assert read == [
        dt.datetime(2026, 3, 1),
        dt.datetime(2026, 3, 4),
        dt.datetime(2026, 3, 4),
        dt.datetime(2026, 3, 4, 5),
        dt.datetime(2026, 3, 4, 5),
    ]
    with pytest.raises(RuleViolation, match=r"t\.f: is required"):
        fields.when(row, "f", "t")
    assert fields.add_months(dt.datetime(2026, 11, 1), 3) == dt.datetime(2027, 2, 1)
    assert fields.month_label(dt.datetime(2027, 2, 1)) == "2027-02"


def test_chip_codes_in_capitals_name_the_same_chip_in_every_table() -> None:
    s = scenario_from_dict(
        minimal(
            inventory=[
                {"chip": "H800", "nodes": 10, "from": "2026-01"},
                {"chip": "BR104", "pflops": 10, "precision": "bf16", "from": "2026-01"},
            ],
            awards=[
                {
                    "project": "p1",
                    "chip": "H800",
                    "gpu_hours": 100,
                    "nodes": 1,
                    "start": "2026-01",
                    "end": "2026-03",
                }
            ],
            maintenance=[{"chip": "Br104", "from": "2026-02", "until": "2026-03"}],
        )
    )
    assert s.chips() == ("h800", "br104")
    assert [stream.chip for stream in s.streams] == ["h800"]
    assert [m.chip for m in s.maintenance] == ["br104"]
