"""The request beside the estimate: requested GPU-hours, ratio, implied MFU, and red flags.

A request is GPUs x months x 730 hours (the AISS form's "GPU cards x consumption period";
domain-facts §1.4). The flags follow domain-facts §3.4 and §3.9.
"""

from __future__ import annotations

from dataclasses import dataclass

from aisc.core.estimate.mfu import UNREALISTIC_MFU, MfuBand, Workload

HOURS_PER_MONTH = 730
# The largest local models need 10 computers of 8 GPUs for a year (domain-facts §1.10, §3.7):
# 10 x 8 x 12 months x 730 h = 700,800 GPU-hours, the scheme's upper tier.
YARDSTICK_GPU_HOURS = 10 * 8 * 12 * HOURS_PER_MONTH
# Training holds BF16 weights, FP32 master weights and Adam moments: ~16 bytes per parameter
# before activations (domain-facts §3.5 step 6). Frozen-base methods and inference hold the
# BF16 weights only: 2 bytes per parameter, before activations and KV cache.
BYTES_PER_PARAM: dict[Workload, int] = {
    Workload.PRETRAIN: 16,
    Workload.FINETUNE: 16,
    Workload.PEFT: 2,
    Workload.INFERENCE: 2,
}
# A frozen base may be quantised: QLoRA keeps it in 4-bit NormalFloat, plus 0.127 bits per
# parameter of quantisation constants after double quantisation (Dettmers et al. 2023, "QLoRA:
# Efficient Finetuning of Quantized LLMs", arXiv:2305.14314, §3), which finetunes a 65B model on
# one 48 GB GPU; int8 weights are 1 byte each.
BITS_PER_WEIGHT: dict[int, float] = {4: 4.127, 8: 8.0, 16: 16.0}


@dataclass(frozen=True)
class Flag:
    code: str
    message: str


def requested_gpu_hours(gpus: int, months: float) -> float:
    return gpus * months * HOURS_PER_MONTH


def percent(share: float) -> str:
    """A share as a percentage, to a tenth; below 0.1 % with two significant digits, so a real
    request never reads as 0.0 %."""
    return f"{share:.1%}" if share >= 0.001 else f"{share * 100:.2g}%"


def request_flags(implied_mfu: float, band: MfuBand, requested: float) -> list[Flag]:
    flags: list[Flag] = []
    if implied_mfu < band.low:
        flags.append(
            Flag(
                "over_request",
                f"the request implies {percent(implied_mfu)} MFU, below the {band.low:.0%} "
                "floor of this workload's band: it asks for more than the job needs",
            )
        )
    if implied_mfu > UNREALISTIC_MFU:
        flags.append(
            Flag(
                "unrealistic",
                f"the request implies {percent(implied_mfu)} MFU; no published run exceeds "
                f"{UNREALISTIC_MFU:.0%}, so it is too small for the job",
            )
        )
    flags.extend(yardstick_flags(requested, "the request"))
    return flags


def yardstick_flags(gpu_hours: float, what: str) -> list[Flag]:
    if gpu_hours <= YARDSTICK_GPU_HOURS:
        return []
    return [
        Flag(
            "beyond_yardstick",
            f"{what} ({gpu_hours:,.0f} GPU-hours) is beyond the largest local models' "
            f"10 nodes x 1 year ({YARDSTICK_GPU_HOURS:,} GPU-hours)",
        )
    ]


def mfu_flags(mfu: float, band: MfuBand) -> list[Flag]:
    if band.contains(mfu):
        return []
    return [
        Flag(
            "mfu_outside_band",
            f"the assumed MFU {mfu:.0%} is outside this workload's band "
            f"{band.low:.0%}-{band.high:.0%}",
        )
    ]


def bytes_per_param(workload: Workload, weight_bits: int = 16) -> float:
    """Bytes per parameter before activations; a frozen base at `weight_bits` per weight."""
    if BYTES_PER_PARAM[workload] == 2:
        return BITS_PER_WEIGHT[weight_bits] / 8
    return BYTES_PER_PARAM[workload]


def memory_flags(
    workload: Workload, params: float, gpus: int, memory_gb: int, weight_bits: int = 16
) -> list[Flag]:
    needed_gb = params * bytes_per_param(workload, weight_bits) / 1e9
    available_gb = gpus * memory_gb
    if needed_gb <= available_gb:
        return []
    return [
        Flag(
            "memory_does_not_fit",
            f"{workload.value} of {params:.3g} parameters at {weight_bits}-bit weights needs "
            f"about {needed_gb:,.0f} GB before activations; {gpus} GPU(s) hold {available_gb:,} GB",
        )
    ]
