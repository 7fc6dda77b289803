import json
from pathlib import Path

from tests.fixtures.cli import sim

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "sim"
REQUIRED = ("jobs", "avg_jct_s", "p50_jct_s", "p99_jct_s", "avg_wait_s", "utilization")


def test_sim_run_prints_the_required_figures_as_json() -> None:
    code, out, _ = sim(
        "run", "--trace", str(GOLDEN / "fifo_packing.csv"), "--cluster", "h800=2x8", "--json"
    )
    assert code == 0
    figures = json.loads(out)
    for key in (*REQUIRED, "makespan_s", "sim_wall_s"):
        assert key in figures
    assert figures["jobs"] == 5
    assert figures["avg_jct_s"] == 79.4


def test_sim_run_prints_a_table_without_json() -> None:
    code, out, _ = sim("run", "--trace", str(GOLDEN / "fifo_packing.csv"), "--cluster", "h800=2x8")
    assert code == 0
    assert "avg JCT (h)" in out
    assert "fifo" in out


def test_bad_lines_are_named_and_skipped_and_a_too_wide_job_is_reported(tmp_path: Path) -> None:
    trace = tmp_path / "t.csv"
    trace.write_text("0,8,100\nbad,1,1\n20,1000,5\n", encoding="utf-8")
    code, out, err = sim("run", "--trace", str(trace), "--cluster", "h800=2x8", "--json")
    assert code == 0
    assert f"{trace}: line 2: not a number" in err
    assert f"{trace}: line 3: unschedulable: needs 1000 GPUs" in err
    assert json.loads(out)["jobs"] == 1


def test_under_strict_the_first_bad_line_fails_the_run(tmp_path: Path) -> None:
    trace = tmp_path / "t.csv"
    trace.write_text("0,8,100\nbad,1,1\n", encoding="utf-8")
    code, _, err = sim("run", "--trace", str(trace), "--strict")
    assert code == 2
    assert (
        err.strip()
        == f"aisc: {trace}: line 2: not a number: could not convert string to float: 'bad'"
    )


def test_an_unknown_policy_or_impossible_cluster_stops_with_one_line() -> None:
    golden = str(GOLDEN / "fifo_packing.csv")
    code, _, err = sim("run", "--trace", golden, "--policy", "lottery")
    assert code == 2
    assert err.startswith("aisc: unknown policy 'lottery'")
    code, _, err = sim("run", "--trace", golden, "--cluster", "h800=0x8")
    assert code == 2
    assert "at least 1 node" in err
    code, _, err = sim("run")
    assert code == 2
    assert "give --trace PATH" in err


def test_out_writes_per_job_csv_and_plots(tmp_path: Path) -> None:
    golden = str(GOLDEN / "fifo_packing.csv")
    code, _, _ = sim("run", "--trace", golden, "--cluster", "h800=2x8", "--out", str(tmp_path))
    assert code == 0
    rows = (tmp_path / "fifo-jobs.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("job,line,project,submit_s,gpus,chip,start_s,end_s")
    assert rows[4].split(",")[6:8] == ["100.000", "110.000"]
    assert (tmp_path / "fifo-timeline.png").stat().st_size > 1000
    assert (tmp_path / "fifo-jct_cdf.png").stat().st_size > 1000
    code, _, err = sim("run", "--trace", golden, "--out", str(tmp_path), "--plot-format", "gif")
    assert code == 2
    assert "plot format 'gif' must be png or svg" in err


def test_a_cluster_toml_and_shares_are_read(tmp_path: Path) -> None:
    toml = tmp_path / "c.toml"
    toml.write_text('[[nodes]]\nchip = "h800"\ncount = 2\ngpus = 8\n', encoding="utf-8")
    golden = str(GOLDEN / "fifo_packing.csv")
    code, out, _ = sim(
        "run", "--trace", golden, "--cluster", str(toml), "--shares", "default=2", "--json"
    )
    assert code == 0
    assert json.loads(out)["cluster"] == "h800=2x8"
    code, _, err = sim("run", "--trace", golden, "--cluster", str(tmp_path / "none.toml"))
    assert code == 2
    assert "cannot read cluster file" in err


def test_a_synthetic_workload_runs_without_a_trace_file() -> None:
    code, out, _ = sim("run", "--synthetic", "200", "--cluster", "h800=2x8", "--json")
    assert code == 0
    assert json.loads(out)["jobs"] == 200


def test_sim_compare_prints_policies_side_by_side_and_writes_a_plot(tmp_path: Path) -> None:
    golden = str(GOLDEN / "easy_backfill.csv")
    args = ["compare", "--policies", "fifo,backfill", "--trace", golden, "--cluster", "h800=3x8"]
    code, out, _ = sim(*args, "--out", str(tmp_path))
    assert code == 0
    assert "fifo" in out
    assert "backfill" in out
    assert (tmp_path / "compare.png").stat().st_size > 1000
    assert (tmp_path / "backfill-jobs.csv").exists()
    code, out, _ = sim(*args, "--out", str(tmp_path), "--json")
    figures = json.loads(out)
    assert set(figures) == {"fifo", "backfill"}
    assert figures["fifo"]["avg_jct_s"] >= figures["backfill"]["avg_jct_s"]
    code, _, err = sim("compare", "--policies", "fifo,lottery", "--trace", golden)
    assert code == 2
    assert "unknown policy 'lottery'" in err


def test_sim_run_replays_a_sacct_export_and_names_the_lines_it_skipped() -> None:
    sample = Path(__file__).resolve().parents[1] / "core" / "simulation" / "data"
    code, out, err = sim(
        "run", "--trace", str(sample / "sacct_sample.txt"), "--trace-format", "sacct",
        "--cluster", "h800=2x8,br104=2x8", "--policy", "backfill", "--json",
    )  # fmt: skip
    assert code == 0
    assert json.loads(out)["jobs"] == 4
    assert json.loads(out)["skipped_lines"] == 5
    assert "sacct_sample.txt: line 3: job step 101.batch" in err


def test_a_synthetic_run_refuses_a_trace_it_would_otherwise_ignore(tmp_path: Path) -> None:
    trace = tmp_path / "t.csv"
    trace.write_text("0,1,10\n", encoding="utf-8")
    for extra in (["--trace", str(trace)], ["--procs-per-gpu", "4"]):
        code, _, err = sim("run", "--synthetic", "10", *extra)
        assert code == 2, extra
        assert "--synthetic generates its own jobs" in err


def test_the_same_run_writes_the_same_bytes_but_for_its_own_wall_time(tmp_path: Path) -> None:
    for run in ("a", "b"):
        for fmt in ("svg", "png"):
            code, _, err = sim(
                "run", "--synthetic", "300", "--cluster", "h800=2x8", "--policy", "backfill",
                "--out", str(tmp_path / run / fmt), "--plot-format", fmt,
            )  # fmt: skip
            assert code == 0, err
    for fmt in ("svg", "png"):
        a, b = tmp_path / "a" / fmt, tmp_path / "b" / fmt
        names = sorted(p.name for p in a.iterdir())
        assert len(names) == 4
        for name in names:
            if name.endswith("summary.json"):
                one, two = (json.loads((d / name).read_text()) for d in (a, b))
                del one["sim_wall_s"], two["sim_wall_s"]
                assert one == two
            else:
                assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_a_node_list_outside_openb_is_refused_by_name_not_ignored(tmp_path: Path) -> None:
    trace, nodes = tmp_path / "t.csv", tmp_path / "nodes.csv"
    trace.write_text("0,1,10\n", encoding="utf-8")
    nodes.write_text("sn,cpu_milli,memory_mib,gpu,model\nn0,96000,786432,8,V100M32\n", "utf-8")
    for args in (
        ("run", "--trace", str(trace)),
        ("run", "--synthetic", "10"),
        ("compare", "--policies", "fifo", "--trace", str(trace), "--out", str(tmp_path / "o")),
    ):
        code, _, err = sim(*args, "--nodes", str(nodes))
        assert code == 2, args
        assert "--nodes applies to --trace-format openb only" in err, args
