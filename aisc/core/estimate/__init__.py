"""The compute-need estimator: FLOPs, GPU-hours at peak x MFU, node-days, and the request beside it.

GPU-hours = FLOPs / (peak(chip, precision) x MFU x goodput x 3600), domain-facts §3.1 and §3.5.
The band beside it spans the workload's MFU band, widened where the calibration is weak
(realism.py: over-trained small models, long runs without a stated goodput).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aisc.core.catalogue.chips import chip, peak_tflops
from aisc.core.estimate.compare import (
    Flag,
    memory_flags,
    mfu_flags,
    request_flags,
    requested_gpu_hours,
    yardstick_flags,
)
from aisc.core.estimate.flops import K, flops
from aisc.core.estimate.inputs import EstimateInput
from aisc.core.estimate.mfu import BANDS, MfuBand, Workload
from aisc.core.estimate.realism import (
    long_run_flags,
    moe_flags,
    overtrained_flags,
    significant,
    tokens_per_param,
    upper_widening,
)

__all__ = ["Estimate", "EstimateInput", "Flag", "Workload", "estimate"]


@dataclass(frozen=True)
class Request:
    gpu_hours: float
    ratio: float  # requested / estimated
    implied_mfu: float


@dataclass(frozen=True)
class Estimate:
    inputs: EstimateInput
    k: int
    flops: float
    peak_tflops: float
    mfu: float
    band: MfuBand
    gpu_hours: float
    node_days: float
    request: Request | None
    gpu_hours_band: tuple[float, float] = (0.0, 0.0)
    tokens_per_param: float = 0.0
    wall_days: float = 0.0
    flags: list[Flag] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape shared by the CLI, the API and the live form."""
        body: dict[str, Any] = {
            "chip": self.inputs.chip,
            "precision": self.inputs.precision,
            "workload": self.inputs.workload.value,
            "k": self.k,
            "flops": self.flops,
            "peak_tflops": self.peak_tflops,
            "mfu": self.mfu,
            "mfu_band": [self.band.low, self.band.high],
            "goodput": self.inputs.effective_goodput,
            "gpu_hours": significant(self.gpu_hours),
            "gpu_hours_band": [significant(h) for h in self.gpu_hours_band],
            "node_days": significant(self.node_days),
            "tokens_per_param": significant(self.tokens_per_param),
            "weight_bits": self.inputs.weight_bits,
            "flags": [{"code": f.code, "message": f.message} for f in self.flags],
        }
        if self.request is not None:
            body["requested_gpu_hours"] = significant(self.request.gpu_hours)
            body["ratio"] = round(self.request.ratio, 3)
            # Four decimals, as the band is written; a far smaller share keeps 3 digits, never 0.0.
            body["implied_mfu"] = round(self.request.implied_mfu, 4) or significant(
                self.request.implied_mfu
            )
            body["wall_days"] = significant(self.wall_days)
        return body


def estimate(given: EstimateInput) -> Estimate:
    band = BANDS[given.workload]
    mfu = band.default if given.mfu is None else given.mfu
    peak = peak_tflops(given.chip, given.precision)
    total = flops(given.workload, given.n_active, given.processed_tokens, given.seq_len)
    gpu_hours = total / (peak * 1e12 * mfu * given.effective_goodput * 3600)
    request = _compare(given, total, peak, gpu_hours)
    ratio = tokens_per_param(given.processed_tokens, given.n_active)
    # Wall time is known only beside a request, which names the GPUs the run will use.
    wall_days = gpu_hours / given.request_gpus / 24 if given.request_gpus else 0.0
    widen = upper_widening(ratio, gpu_hours, given.goodput is not None)
    band_hours = (gpu_hours * mfu / max(mfu, band.high), gpu_hours * mfu / min(mfu, band.low))
    return Estimate(
        inputs=given,
        k=K[given.workload],
        flops=total,
        peak_tflops=peak,
        mfu=mfu,
        band=band,
        gpu_hours=gpu_hours,
        node_days=gpu_hours / (given.gpus_per_node * 24),
        request=request,
        gpu_hours_band=(band_hours[0], band_hours[1] * widen),
        tokens_per_param=ratio,
        wall_days=wall_days,
        flags=_flags(given, mfu, band, gpu_hours, request)
        + moe_flags(given.params, given.active_params, given.moe)
        + overtrained_flags(ratio)
        + long_run_flags(gpu_hours, given.goodput is not None),
    )


def _compare(given: EstimateInput, total: float, peak: float, gpu_hours: float) -> Request | None:
    if given.request_gpus is None or given.request_months is None:
        return None
    requested = requested_gpu_hours(given.request_gpus, given.request_months)
    implied = total / (peak * 1e12 * requested * given.effective_goodput * 3600)
    return Request(requested, requested / gpu_hours, implied)


def _flags(
    given: EstimateInput, mfu: float, band: MfuBand, gpu_hours: float, request: Request | None
) -> list[Flag]:
    flags = mfu_flags(mfu, band)
    if request is None:
        return flags + yardstick_flags(gpu_hours, "the estimate")
    flags += request_flags(request.implied_mfu, band, request.gpu_hours)
    assert given.request_gpus is not None  # a request always has its GPUs
    return flags + memory_flags(
        given.workload,
        given.params,
        given.request_gpus,
        chip(given.chip).memory_gb,
        given.weight_bits,
    )
