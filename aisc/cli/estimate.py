"""`aisc estimate`: the compute-need estimator on the command line (pure core, no database)."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer

from aisc.cli import boot

app = typer.Typer(help="Estimate the GPU-hours a training or inference job needs.")


class WorkloadChoice(StrEnum):
    pretrain = "pretrain"
    finetune = "finetune"
    peft = "peft"
    inference = "inference"


@app.callback(invoke_without_command=True)
def estimate(
    params: float = typer.Option(..., "--params", help="Parameters N, 1 to 1e13, e.g. 7e9."),
    tokens: float = typer.Option(
        ..., "--tokens", help="Dataset tokens D (or tokens served), 1 to 1e15."
    ),
    chip: str = typer.Option(..., "--chip", help="Chip code, e.g. h800."),
    active_params: float | None = typer.Option(
        None, "--active-params", help="Active parameters per token (MoE; required with --moe)."
    ),
    moe: bool | None = typer.Option(
        None,
        "--moe/--dense",
        help="Mixture of experts (needs --active-params) or dense; unstated, a model over 100B "
        "parameters without --active-params is flagged.",
    ),
    epochs: float = typer.Option(1.0, "--epochs", help="Passes over the dataset, 1e-6 to 1000."),
    seq_len: int | None = typer.Option(
        None, "--seq-len", help="Sequence length, 1 to 10,000,000; adds the attention term."
    ),
    precision: str = typer.Option("bf16", "--precision", help="fp64 fp32 tf32 bf16 fp16 fp8."),
    workload: Annotated[
        WorkloadChoice, typer.Option("--workload", help="What the job does.")
    ] = WorkloadChoice.pretrain,
    mfu: float | None = typer.Option(
        None, "--mfu", help="Assumed MFU, 1e-4 to 1; default per workload."
    ),
    goodput: float | None = typer.Option(
        None,
        "--goodput",
        help="Share of wall time that trains, 0.05-1 (restarts, checkpoints); default 1.0, "
        "as the default MFU already includes the published runs' downtime.",
    ),
    weight_bits: int = typer.Option(
        16, "--weight-bits", help="Bits per frozen weight: 4 (QLoRA), 8 or 16; peft/inference."
    ),
    request_gpus: int | None = typer.Option(
        None, "--request-gpus", help="GPUs requested, 1 to 100,000 (with --request-months)."
    ),
    request_months: float | None = typer.Option(
        None, "--request-months", help="Months requested, 0.01 to 120 (with --request-gpus)."
    ),
    as_json: bool = boot.JSON,
) -> None:
    """FLOPs = k·N·D; GPU-hours = FLOPs / (peak x MFU x 3600); the request beside it."""
    from aisc.core.errors import AiscError
    from aisc.core.estimate import EstimateInput, Workload
    from aisc.core.estimate import estimate as run_estimate

    try:
        result = run_estimate(
            EstimateInput(
                params=params,
                tokens=tokens,
                chip=chip,
                precision=precision,
                workload=Workload(workload.value),
                active_params=active_params,
                moe=moe,
                goodput=goodput,
                weight_bits=weight_bits,
                epochs=epochs,
                seq_len=seq_len,
                mfu=mfu,
                request_gpus=request_gpus,
                request_months=request_months,
            )
        )
    except AiscError as exc:
        boot.fail(f"--{(exc.field or 'input').replace('_', '-')}: {boot.say(exc)}")
        return
    body = result.as_dict()
    if as_json:
        typer.echo(json.dumps(body, indent=2))
        return
    typer.echo(_readable(body))


def _readable(body: dict[str, object]) -> str:
    lines = [
        f"FLOPs           {body['flops']:.3e}  (k = {body['k']}, {body['workload']})",
        f"peak            {body['peak_tflops']} TFLOPS {str(body['precision']).upper()} dense "
        f"on {body['chip']}",
        f"MFU             {body['mfu']}  (band {body['mfu_band']})",
        f"GPU-hours       {body['gpu_hours']:,}",
        "band            {:,} - {:,} GPU-hours".format(*body["gpu_hours_band"]),  # type: ignore[misc]
        f"tokens/param    {body['tokens_per_param']:,}  (compute-optimal ~20)",
        f"node-days       {body['node_days']:,}  (8-GPU nodes)",
    ]
    if "requested_gpu_hours" in body:
        lines += [
            f"requested       {body['requested_gpu_hours']:,} GPU-hours",
            f"ratio           {body['ratio']}  (requested / estimated)",
            f"implied MFU     {body['implied_mfu']}",
        ]
    flags = body["flags"]
    assert isinstance(flags, list)
    lines += [f"flag            {flag['code']}: {flag['message']}" for flag in flags]
    return "\n".join(lines)
