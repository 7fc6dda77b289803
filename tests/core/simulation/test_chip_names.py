"""Chip names are case-insensitive everywhere: `V100M16` and `v100m16` are one chip, in cluster
specs, traces, jobs and the catalogue."""

from aisc.core.catalogue.chips import chip, peak_tflops
from aisc.core.estimate import EstimateInput
from aisc.core.scheduling.model import (
    Job,
    NodeGroup,
    cluster_from_toml,
    lower_keys,
    parse_cluster,
)
from aisc.core.simulation.run import simulate
from aisc.core.simulation.traces import parse_lines
from aisc.core.simulation.traces.base import TraceBuilder


def test_a_cluster_spec_in_capitals_names_the_same_lower_case_chip() -> None:
    assert parse_cluster("V100M16=2x8,v100m16=1x8").chips == ("v100m16",)
    toml = '[[nodes]]\nchip = "H800"\ncount = 2\ngpus = 8\n'
    assert cluster_from_toml(toml).chips == ("h800",)
    assert NodeGroup("BR104", 1, 8).chip == "br104"


def test_a_job_asking_for_a_chip_in_capitals_runs_on_the_lower_case_nodes() -> None:
    trace = parse_lines(["0,8,100,V100M16", "0,8,100,v100m16"], "csv", "t.csv")
    assert trace.chips == ["v100m16"]
    result = simulate(trace, parse_cluster("v100m16=2x8"), "fifo")
    assert result.summary["unschedulable"] == 0
    assert result.summary["jobs"] == 2


def test_speeds_keyed_in_capitals_are_found_under_the_lower_case_chip() -> None:
    job = Job(0, 0.0, 1, 10.0, chip="V100", speeds={"V100": 2.0, "k80": 0.5})
    assert job.chip == "v100"
    assert job.speed_on("v100") == 2.0
    already = {"v100": 1.0}
    assert lower_keys(already) is already
    builder = TraceBuilder("t")
    builder.add(1, 0.0, 1, 10.0, speeds={"P100": 1.5})
    assert builder.build().speed_profiles == [{"p100": 1.5}]


def test_the_catalogue_and_the_estimator_read_chip_codes_in_any_case() -> None:
    assert chip("H800").code == "h800"
    assert peak_tflops("A100", "bf16") == peak_tflops("a100", "bf16")
    assert EstimateInput(params=7e9, tokens=1e12, chip="H800").chip == "h800"
