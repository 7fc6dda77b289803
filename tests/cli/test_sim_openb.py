"""`aisc sim run --trace-format openb`: pods of an OpenB-shaped list (written here) on its node
list, under fgd, best-fit and first-fit, with the fragmentation and allocated share."""

import json
from pathlib import Path

from typer.testing import CliRunner

from aisc.cli.main import app
from tests.fixtures.cli import sim

runner = CliRunner()
NODES = "sn,cpu_milli,memory_mib,gpu,model\nn0,32000,65536,1,T4\nn1,32000,65536,1,t4\n"
HEADER = (
    "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,"
    "creation_time,deletion_time,scheduled_time\n"
)
PODS = HEADER + (
    "a,1000,1024,1,300,,BE,Running,,,\n"
    "b,1000,1024,1,500,,BE,Running,,,\n"
    "c,1000,1024,1,500,T4,BE,Running,,,\n"
    "d,1000,1024,2,1000,,BE,Running,,,\n"
)


def files(tmp_path: Path) -> tuple[str, str]:
    (tmp_path / "nodes.csv").write_text(NODES, encoding="utf-8")
    (tmp_path / "pods.csv").write_text(PODS, encoding="utf-8")
    return str(tmp_path / "nodes.csv"), str(tmp_path / "pods.csv")


def run(*args: str) -> tuple[int, str, str]:
    return sim("run", "--trace-format", "openb", *args)


def test_every_placement_policy_reports_fragmentation_and_allocated_share(tmp_path: Path) -> None:
    nodes, pods = files(tmp_path)
    figures = {}
    for policy in ("fgd", "best-fit", "first-fit"):
        code, out, err = run("--nodes", nodes, "--trace", pods, "--policy", policy, "--json")
        assert code == 0, err
        body = json.loads(out)
        assert body["unschedulable"] == 1  # d asks two GPUs; no node has two
        assert "line 5: unschedulable" in err
        assert len(body["timeline"]) == 4
        figures[policy] = (body["fragmentation"], body["allocated_gpu_share"], body["placed"])
    assert {placed for _, _, placed in figures.values()} == {3}
    assert figures["fgd"][0] <= figures["best-fit"][0]
    assert all(0 < share < 1 for _, share, _ in figures.values())


def test_the_readable_output_and_the_timeline_files(tmp_path: Path) -> None:
    nodes, pods = files(tmp_path)
    out_dir = tmp_path / "out"
    code, out, _ = run("--nodes", nodes, "--trace", pods, "--policy", "fgd", "--out", str(out_dir))
    assert code == 0
    assert "fragmentation" in out
    assert "allocated_gpu_share" in out
    lines = (out_dir / "fgd-timeline.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "time_s,fragmentation,allocated_gpu_share"
    assert json.loads((out_dir / "fgd-summary.json").read_text(encoding="utf-8"))["pods"] == 4


def test_openb_without_a_node_list_or_with_a_gang_policy_is_refused(tmp_path: Path) -> None:
    nodes, pods = files(tmp_path)
    code, _, err = run("--trace", pods, "--policy", "fgd")
    assert code == 2
    assert "--trace-format openb needs --nodes FILE.csv" in err
    code, _, err = run("--nodes", nodes, "--trace", pods, "--policy", "backfill")
    assert code == 2
    assert "unknown placement policy 'backfill'" in err
    code, _, err = run("--nodes", str(tmp_path / "none.csv"), "--trace", pods, "--policy", "fgd")
    assert code == 2
    assert "cannot read nodes" in err
    (tmp_path / "bad.csv").write_bytes(b"\xff\xfe")
    code, _, err = run("--nodes", str(tmp_path / "bad.csv"), "--trace", pods, "--policy", "fgd")
    assert "is not UTF-8 text" in err


def test_compare_runs_every_placement_policy_on_the_same_pods(tmp_path: Path) -> None:
    nodes, pods = files(tmp_path)
    args = ["sim", "compare", "--trace-format", "openb", "--nodes", nodes, "--trace", pods]
    args += ["--policies", "fgd,best-fit,first-fit"]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.stderr
    body = json.loads(result.stdout)
    assert sorted(body) == ["best-fit", "fgd", "first-fit"]
    assert body["fgd"]["fragmentation"] <= body["best-fit"]["fragmentation"]
    table = runner.invoke(app, args)
    assert table.exit_code == 0
    assert "fragmentation" in table.stdout
    refused = runner.invoke(app, [*args[:-1], "fgd,fifo"])
    assert refused.exit_code == 2
    assert "unknown placement policy 'fifo'" in refused.stderr
