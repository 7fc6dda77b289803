import json
from pathlib import Path

from typer.testing import CliRunner

from aisc.cli.main import app
from tests.fixtures.cli import sim

runner = CliRunner()


def test_bf_max_job_test_limits_how_deep_backfill_looks(tmp_path: Path) -> None:
    # A 16-GPU gang is blocked behind a running 8-GPU job until 100; a long 8-GPU job and then a
    # 5-second 1-GPU job wait behind it. Only a depth of 2 reaches the short job, which fits.
    trace = tmp_path / "t.csv"
    trace.write_text("0,8,100\n1,16,10\n2,8,500\n3,1,5\n", encoding="utf-8")
    common = ("run", "--trace", str(trace), "--cluster", "h800=2x8", "--policy", "backfill")
    waits = {}
    for depth in ("1", "2"):
        code, out, _ = sim(*common, "--bf-max-job-test", depth, "--json")
        assert code == 0
        waits[depth] = json.loads(out)["avg_wait_s"]
    assert waits["2"] < waits["1"]


def test_bf_max_job_test_below_one_stops_the_run_naming_the_option() -> None:
    code, _, err = sim("run", "--synthetic", "10", "--bf-max-job-test", "0")
    assert code == 2
    assert "bf_max_job_test 0 must be a whole number from 1 to 1,000,000" in err


def test_load_above_one_overloads_the_cluster_as_its_help_says() -> None:
    code, out, _ = sim("run", "--synthetic", "200", "--load", "1.2", "--cluster", "h800=2x8")
    assert code == 0, out
    code, _, err = sim("run", "--synthetic", "10", "--load", "11")
    assert code == 2
    assert "load 11.0 must be in (0, 10]" in err
    help_text = runner.invoke(app, ["sim", "run", "--help"]).stdout
    assert "overloads" in help_text


def test_hetero_min_jct_and_srsf_can_be_chosen_and_a_bad_objective_is_refused() -> None:
    common = ("run", "--synthetic", "100", "--cluster", "h800=1x8,br104=1x8", "--policy", "hetero")
    for objective in ("min-jct", "srsf"):
        code, out, err = sim(*common, "--hetero-objective", objective, "--json")
        assert code == 0, err
        assert json.loads(out)["jobs"] == 100
    code, _, err = sim(*common, "--hetero-objective", "fastest")
    assert code == 2
    assert "--hetero-objective 'fastest' must be one of max-min, min-jct, srsf" in err


def test_a_restart_cost_slows_a_preemptive_policy_and_is_bounded_as_its_help_says() -> None:
    common: tuple[str, ...] = (
        "run",
        "--synthetic",
        "300",
        "--load",
        "1.2",
        "--cluster",
        "h800=2x8",
    )
    common += ("--policy", "las", "--seed", "3", "--json")
    _, free, _ = sim(*common, "--restart-s", "0")
    code, costly, err = sim(*common, "--restart-s", "120")
    assert code == 0, err
    assert json.loads(costly)["avg_jct_s"] > json.loads(free)["avg_jct_s"]
    code, _, err = sim(*common, "--restart-s", "-5")
    assert code == 2
    assert "restart_s -5.0 must be between 0 and 86,400 seconds" in err


GAVEL_MATRIX = {
    "v100": {"('ResNet-18 (batch size 32)', 1)": {"null": 30.0}},
    "k80": {"('ResNet-18 (batch size 32)', 1)": {"null": 3.0}},
}
GAVEL_LINE = "ResNet-18 (batch size 32)\tpython3 main.py\t--num_steps\t1\t{steps}\t{at}\t1\n"


def write_gavel(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "seed=0"
    folder.mkdir()
    for vc, at in (("a", 0.0), ("b", 50.0)):
        (folder / f"{vc}.trace").write_text(GAVEL_LINE.format(steps=3000, at=at), "utf-8")
    matrix = tmp_path / "m.json"
    matrix.write_text(json.dumps(GAVEL_MATRIX), encoding="utf-8")
    return folder, matrix


def test_a_gavel_directory_runs_under_gavels_lp_policy_with_a_named_matrix(
    tmp_path: Path,
) -> None:
    folder, matrix = write_gavel(tmp_path)
    code, out, err = sim(
        "run", "--trace", str(folder), "--trace-format", "gavel", "--throughputs", str(matrix),
        "--cluster", "v100=1x1,k80=1x1", "--policy", "gavel-las-perf", "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["jobs"] == 2


def test_the_lp_solver_is_chosen_by_name_and_an_unknown_one_is_refused(tmp_path: Path) -> None:
    folder, matrix = write_gavel(tmp_path)
    args = (
        "run", "--trace", str(folder), "--trace-format", "gavel", "--throughputs", str(matrix),
        "--cluster", "v100=1x1,k80=1x1", "--policy", "gavel-las", "--json",
    )  # fmt: skip
    for name in ("ecos", "highs-ipm"):
        code, out, err = sim(*args, "--lp-solver", name)
        assert code == 0, err
        assert json.loads(out)["jobs"] == 2
    code, _, err = sim(*args, "--lp-solver", "cplex")
    assert code == 2
    assert "--lp-solver 'cplex' must be one of ecos, highs, highs-ipm" in err


def test_throughputs_are_required_for_gavel_and_refused_for_other_formats(
    tmp_path: Path,
) -> None:
    folder, matrix = write_gavel(tmp_path)
    code, _, err = sim("run", "--trace", str(folder / "*.trace"), "--trace-format", "gavel")
    assert code == 2
    assert "--throughputs FILE" in err
    code, _, err = sim(
        "run", "--trace", str(folder), "--trace-format", "gavel",
        "--throughputs", str(tmp_path / "absent.json"),
    )  # fmt: skip
    assert code == 2
    assert "cannot read --throughputs" in err
    csv_trace = tmp_path / "t.csv"
    csv_trace.write_text("0,1,10\n", encoding="utf-8")
    code, _, err = sim("run", "--trace", str(csv_trace), "--throughputs", str(matrix))
    assert code == 2
    assert "--throughputs applies to --trace-format gavel only" in err


def test_gavels_policies_and_ours_on_its_mechanism_can_be_compared_side_by_side(
    tmp_path: Path,
) -> None:
    folder, matrix = write_gavel(tmp_path)
    policies = ("gavel-fifo", "gavel-fifo-perf", "gavel-las", "gavel-las-perf", "srsf-perf")
    code, out, err = sim(
        "compare", "--trace", str(folder), "--trace-format", "gavel", "--throughputs",
        str(matrix), "--cluster", "v100=1x1,k80=1x1", "--json", "--out", str(tmp_path / "o"),
        "--policies", ",".join(policies),
    )  # fmt: skip
    assert code == 0, err  # those that solve an LP were given HiGHS
    assert set(json.loads(out)) == set(policies)


def test_chip_names_in_capitals_on_the_command_line_and_in_the_trace_are_one_chip(
    tmp_path: Path,
) -> None:
    trace = tmp_path / "t.csv"
    trace.write_text("0,8,100,v100m16\n1,8,100,V100M16\n", encoding="utf-8")
    code, out, err = sim("run", "--trace", str(trace), "--cluster", "V100M16=1x8", "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert (summary["jobs"], summary["unschedulable"]) == (2, 0)
