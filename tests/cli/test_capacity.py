"""`aisc capacity plan|compare|sweep` on scenario files (the centre from the database:
tests/web/allocations/test_planning.py)."""

import csv
import json
from pathlib import Path

import pytest

from aisc.core.capacity.scenario import scenario_from_toml
from tests.fixtures.cli import capacity

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scenarios"
SMALL = """
name = "{name}"
start = "2026-01"
months = 2
[shape]
median_h = 4
max_h = 24
[[inventory]]
chip = "h800"
nodes = {nodes}
from = "2026-01"
[[mix]]
name = "p"
chip = "h800"
count = 3
nodes = 1
months = 2
"""


def scenario(tmp_path: Path, name: str = "small", nodes: int = 4) -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(SMALL.format(name=name, nodes=nodes), encoding="utf-8")
    return path


def test_plan_json_has_the_keys_the_issue_lists(tmp_path: Path) -> None:
    code, out, _ = capacity("plan", "--scenario", str(scenario(tmp_path)), "--seeds", "2", "--json")
    assert code == 0
    doc = json.loads(out)
    assert {"months", "saturation_month", "undeliverable_gpu_hours", "fits", "sim_wall_s"} <= set(
        doc
    )
    assert len(doc["months"]) == 2
    for row in doc["months"]:
        for key in ("month", "chip", "capacity_gpu_hours", "demand_gpu_hours"):
            assert key in row
        for key in ("delivered_gpu_hours", "utilization", "wait_p50_h", "wait_p95_h"):
            assert key in row
    # 3 busy one-node projects on 4 nodes: three quarters used, nothing saturates.
    assert doc["months"][0]["utilization"] == pytest.approx(0.75, abs=0.05)
    assert doc["saturation_month"] is None
    assert set(doc["fits"]) == {"small", "medium", "large"}


def test_plan_prints_a_table_and_writes_csv_json_and_a_chart(tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    code, out, _ = capacity(
        "plan", "--scenario", str(scenario(tmp_path)), "--seeds", "1", "--months", "1",
        "--out", str(out_dir),
    )  # fmt: skip
    assert code == 0
    assert "2026-01  h800" in out
    assert "saturation month: none within the horizon" in out
    rows = list(csv.DictReader((out_dir / "months.csv").open(encoding="utf-8")))
    assert [r["month"] for r in rows] == ["2026-01"]
    assert json.loads((out_dir / "plan.json").read_text())["months"][0]["chip"] == "h800"
    assert (out_dir / "plan.png").read_bytes()[:4] == b"\x89PNG"


def test_a_bad_scenario_is_refused_naming_the_field_and_the_rule(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(SMALL.format(name="bad", nodes=-2), encoding="utf-8")
    code, _, err = capacity("plan", "--scenario", str(path))
    assert code == 2
    assert "inventory[0].nodes: must be not negative" in err
    code, _, err = capacity("plan", "--scenario", str(tmp_path / "none.toml"))
    assert code == 2
    assert "none.toml: No such file or directory" in err
    path.write_text("start = ", encoding="utf-8")
    code, _, err = capacity("plan", "--scenario", str(path))
    assert code == 2
    assert "bad.toml" in err


def test_compare_puts_two_scenarios_side_by_side(tmp_path: Path) -> None:
    a, b = scenario(tmp_path, "four", 4), scenario(tmp_path, "two", 2)
    out_dir = tmp_path / "cmp"
    code, out, _ = capacity("compare", str(a), str(b), "--seeds", "1", "--out", str(out_dir))
    assert code == 0
    header, *lines = out.splitlines()
    assert "four" in header
    assert "two" in header
    saturation = next(line for line in lines if line.startswith("saturation month"))
    assert saturation.split()[-2:] == ["none", "2026-01"]  # 3 projects on 2 nodes saturate
    assert (out_dir / "compare.png").exists()
    code, out, _ = capacity("compare", str(a), str(b), "--seeds", "1", "--json")
    assert [d["scenario"] for d in json.loads(out)] == ["four", "two"]


def test_compare_needs_two_files_and_readable_ones(tmp_path: Path) -> None:
    code, _, err = capacity("compare", str(scenario(tmp_path)))
    assert code == 2
    assert "at least two" in err
    code, _, err = capacity("compare", str(scenario(tmp_path)), str(tmp_path / "x.toml"))
    assert code == 2


def test_sweep_runs_every_variant_over_the_seeds_on_two_processes(tmp_path: Path) -> None:
    path = scenario(tmp_path)
    code, out, _ = capacity(
        "sweep", str(path), "--scale", "0.5,1", "--overbooking", "1,1.5", "--policy", "fifo",
        "--seeds", "2", "--jobs", "2", "--json",
    )  # fmt: skip
    assert code == 0
    doc = json.loads(out)
    assert doc["cells"] == 8
    assert doc["jobs"] == 2
    names = [v["scenario"] for v in doc["variants"]]
    assert names[0] == "small fifo x1 scale0.5"
    assert [v["nodes"] for v in doc["variants"]] == [2, 4, 2, 4]
    half = doc["variants"][0]
    assert half["saturation_month"] == "2026-01"  # 3 projects on 2 nodes
    code, out, _ = capacity("sweep", str(path), "--seeds", "1", "--jobs", "1")
    assert code == 0
    assert "1 cells on 1 processes" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--policy", "las"], "'las' is not one of"),
        (["--scale", "0"], "must be in (0, 10]"),
        (["--overbooking", "lots"], "is not a comma-separated list"),
        (["--seeds", "0"], "seeds: give 1 to"),
    ],
)
def test_a_bad_sweep_axis_is_refused(tmp_path: Path, args: list[str], message: str) -> None:
    code, _, err = capacity("sweep", str(scenario(tmp_path)), *args)
    assert code == 2
    assert message in err


def test_the_shipped_doubling_scenario_reads_as_the_centre_before_and_after() -> None:
    doubling = scenario_from_toml((EXAMPLES / "doubling.toml").read_text(encoding="utf-8"))
    assert [row.nodes for row in doubling.inventory] == [164, 379]
    assert doubling.months == 24
    assert {m.name for m in doubling.mixes} >= {"large-awarded", "small-awarded"}


def traced(tmp_path: Path) -> Path:
    path = tmp_path / "traced.toml"
    text = SMALL.format(name="traced", nodes=4).replace("[shape]\n", '[shape]\ntrace = "philly"\n')
    path.write_text(text, encoding="utf-8")
    return path


def test_a_scenario_drawing_run_times_from_the_philly_trace_finds_it_in_aisc_trace_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = traced(tmp_path)
    monkeypatch.delenv("AISC_TRACE_DIR", raising=False)
    code, _, err = capacity("plan", "--scenario", str(path), "--seeds", "1")
    assert code == 2
    assert "shape.trace: the public trace 'philly' is not at hand: set AISC_TRACE_DIR" in err
    root = tmp_path / "traces"
    (root / "sia" / "traces").mkdir(parents=True)
    sample = Path(__file__).parents[1] / "core" / "capacity" / "data" / "philly_sample.csv"
    (root / "sia" / "traces" / "philly.csv").write_bytes(sample.read_bytes())
    monkeypatch.setenv("AISC_TRACE_DIR", str(root))
    code, out, err = capacity("plan", "--scenario", str(path), "--seeds", "2", "--json")
    assert code == 0, err
    assert json.loads(out)["jobs"] > 0


def test_the_full_philly_digest_splits_into_pools_per_size_when_it_is_at_hand() -> None:
    import os

    import numpy as np

    from aisc.core.capacity.shapes import TRACES, trace_jobs

    root = os.environ.get("AISC_TRACE_DIR", "")
    path = Path(root) / TRACES["philly"]
    if not root or not path.is_file():
        pytest.skip(f"AISC_TRACE_DIR must hold {TRACES['philly']} (docs/traces.md)")
    with path.open(encoding="utf-8") as lines:
        jobs = trace_jobs("philly", lines)
    pools = [jobs.pool(i, 8, [2, 4, 1_000_000]) for i in range(3)]
    assert [len(p) for p in pools] == [82_164, 74, 83]
    assert [round(float(np.median(p)), 2) for p in pools] == [0.32, 1.48, 1.03]
