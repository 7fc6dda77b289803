import json
from pathlib import Path

from tests.fixtures.cli import sim

SAMPLE = Path(__file__).resolve().parents[1] / "golden" / "sim" / "sample.swf"


def test_sim_run_replays_an_swf_log_and_names_the_lines_it_left_out() -> None:
    code, out, err = sim(
        "run", "--trace", str(SAMPLE), "--trace-format", "swf", "--cluster", "h800=2x4", "--json"
    )
    assert code == 0
    figures = json.loads(out)
    assert figures["jobs"] == 5
    assert figures["skipped_lines"] == 5
    assert figures["makespan_s"] == 155.0
    assert f"{SAMPLE}: line 25: run time -1 <= 0: the job never ran (skipped)" in err
    assert f"{SAMPLE}: line 31: expected 18 whitespace-separated fields, got 17 (skipped)" in err


def test_procs_per_gpu_divides_the_processors_of_an_swf_log() -> None:
    # 8 processors per GPU: job 4's 8 processors become 1 GPU, so nothing waits for whole nodes.
    code, out, _ = sim(
        "run",
        *("--trace", str(SAMPLE), "--trace-format", "swf", "--cluster", "h800=2x4"),
        *("--procs-per-gpu", "8", "--json"),
    )
    assert code == 0
    assert json.loads(out)["avg_wait_s"] == 0.0


def test_under_strict_an_swf_run_stops_at_the_malformed_line() -> None:
    code, _, err = sim("run", "--trace", str(SAMPLE), "--trace-format", "swf", "--strict")
    assert code == 2
    assert (
        err.strip() == f"aisc: {SAMPLE}: line 31: expected 18 whitespace-separated fields, got 17"
    )


def test_procs_per_gpu_is_refused_for_other_formats_and_below_one() -> None:
    golden = str(SAMPLE.with_name("fifo_packing.csv"))
    code, _, err = sim("run", "--trace", golden, "--procs-per-gpu", "4")
    assert code == 2
    assert "--procs-per-gpu applies to --trace-format swf only" in err
    code, _, err = sim(
        "run", "--trace", str(SAMPLE), "--trace-format", "swf", "--procs-per-gpu", "0"
    )
    assert code == 2
    assert "procs_per_gpu 0 must be a whole number >= 1" in err
