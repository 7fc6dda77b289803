import json

from typer.testing import CliRunner

from aisc.cli.main import app

runner = CliRunner()
ACCEPTANCE = ["estimate", "--params", "7e9", "--tokens", "1e12", "--chip", "h800"]
ACCEPTANCE += ["--precision", "bf16", "--workload", "pretrain", "--json"]


def test_the_acceptance_example_prints_about_29500_gpu_hours_at_40_percent_mfu() -> None:
    result = runner.invoke(app, [*ACCEPTANCE, "--mfu", "0.4"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert abs(body["gpu_hours"] - 29_500) < 100
    assert {"flops", "gpu_hours", "node_days", "mfu", "flags"} <= set(body)


def test_json_with_a_request_carries_requested_hours_ratio_and_implied_mfu() -> None:
    args = [*ACCEPTANCE, "--request-gpus", "16", "--request-months", "6"]
    body = json.loads(runner.invoke(app, args).output)
    assert body["requested_gpu_hours"] == 70_080
    assert body["ratio"] > 2
    assert body["implied_mfu"] < 0.25
    assert [flag["code"] for flag in body["flags"]] == ["over_request"]


def test_every_flag_of_the_issue_is_accepted() -> None:
    args = ["estimate", "--params", "671e9", "--active-params", "37e9", "--tokens", "1e9"]
    args += ["--epochs", "2", "--seq-len", "8192", "--chip", "h800", "--precision", "fp8"]
    args += ["--workload", "inference", "--mfu", "0.1"]
    args += ["--request-gpus", "8", "--request-months", "1", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["workload"] == "inference"


def test_the_readable_output_shows_the_estimate_beside_the_request() -> None:
    args = ["estimate", "--params", "7e9", "--tokens", "1e12", "--chip", "h800"]
    result = runner.invoke(app, [*args, "--request-gpus", "8", "--request-months", "3"])
    assert result.exit_code == 0
    assert "GPU-hours       33,690.5" in result.output
    assert "flag            unrealistic" in result.output


def test_bad_input_exits_2_naming_the_flag_and_the_rule() -> None:
    result = runner.invoke(
        app, ["estimate", "--params", "-7e9", "--tokens", "1e12", "--chip", "h800"]
    )
    assert result.exit_code == 2
    assert "--params: params must be between" in result.output


def test_an_unknown_chip_is_named() -> None:
    result = runner.invoke(
        app, ["estimate", "--params", "7e9", "--tokens", "1e12", "--chip", "v100"]
    )
    assert result.exit_code == 2
    assert "--chip: unknown chip 'v100'" in result.output


def test_moe_inference_with_a_long_context_reads_as_a_table() -> None:
    args = ["estimate", "--params", "671e9", "--active-params", "37e9", "--tokens", "1e9"]
    args += ["--seq-len", "32768", "--chip", "h800", "--workload", "inference"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "(k = 2, inference)" in result.output
    assert "MFU             0.1  (band [0.05, 0.2])" in result.output
    assert "requested" not in result.output


def test_a_half_given_request_names_the_missing_flag() -> None:
    args = [
        "estimate",
        "--params",
        "7e9",
        "--tokens",
        "1e12",
        "--chip",
        "h800",
        "--request-gpus",
        "8",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "--request-months: give both the GPUs and the months" in result.output


def test_an_unknown_workload_is_refused_by_the_choices() -> None:
    args = ["estimate", "--params", "7e9", "--tokens", "1e12", "--chip", "h800", "--workload", "x"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "pretrain" in result.output


def test_a_declared_moe_without_active_parameters_exits_2_naming_the_flag() -> None:
    args = ["estimate", "--params", "671e9", "--tokens", "14.8e12", "--chip", "h800", "--moe"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "--active-params: a mixture-of-experts model needs its active parameters" in (
        result.output
    )


def test_qlora_goodput_and_the_band_reach_the_json() -> None:
    args = ["estimate", "--params", "65e9", "--tokens", "1e8", "--chip", "h800", "--workload"]
    args += ["peft", "--weight-bits", "4", "--goodput", "0.9", "--dense", "--json"]
    args += ["--request-gpus", "1", "--request-months", "0.5"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert (body["weight_bits"], body["goodput"]) == (4, 0.9)
    low, high = body["gpu_hours_band"]
    assert low < body["gpu_hours"] < high
    assert "memory_does_not_fit" not in [flag["code"] for flag in body["flags"]]


def test_the_readable_output_shows_the_band_and_the_tokens_per_parameter() -> None:
    args = ["estimate", "--params", "8e9", "--tokens", "15e12", "--chip", "h100"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert "tokens/param    1,875.0" in result.output
    assert "flag            beyond_compute_optimal" in result.output
    assert "band            " in result.output


def test_each_bound_in_the_help_is_the_bound_that_is_enforced() -> None:
    help_text = " ".join(runner.invoke(app, ["estimate", "--help"]).output.split())
    base = ["estimate", "--params", "7e9", "--tokens", "1e12", "--chip", "h800"]
    cases = [
        ("1 to 1e13", ["--params", "2e13"], "--params"),
        ("1 to 1e15", ["--tokens", "2e15"], "--tokens"),
        ("1e-6 to 1000", ["--epochs", "1001"], "--epochs"),
        ("1 to 10,000,000", ["--seq-len", "10000001"], "--seq-len"),
        ("1e-4 to 1", ["--mfu", "0.00005"], "--mfu"),
        ("0.05-1", ["--goodput", "0.01"], "--goodput"),
        ("1 to 100,000", ["--request-gpus", "100001", "--request-months", "1"], "--request-gpus"),
        ("0.01 to 120", ["--request-gpus", "8", "--request-months", "121"], "--request-months"),
    ]
    for bound, args, flag in cases:
        assert bound in help_text, bound
        result = runner.invoke(app, [*base, *args])
        assert result.exit_code == 2, args
        assert f"{flag}: " in result.output


def test_a_chip_code_in_capitals_is_the_lower_case_chip() -> None:
    upper = [*ACCEPTANCE[:5], "--chip", "H800", *ACCEPTANCE[7:]]
    assert json.loads(runner.invoke(app, upper).output) == json.loads(
        runner.invoke(app, ACCEPTANCE).output
    )
