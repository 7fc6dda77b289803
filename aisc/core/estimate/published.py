"""Published training runs with their reported GPU-hours: the estimator's calibration table.

Source: domain-facts §3.4 (model cards and technical reports, tagged [P] there). Effective MFU
is 6·N·D / (GPU-hours x 3600 x BF16 dense peak); it includes downtime and restarts, which is
what a grant pays for. Runs whose effective MFU falls outside the pre-training band (small
models on huge clusters, e.g. Llama 3 8B at ~16 %) show what the band excludes.
"""

from __future__ import annotations

from dataclasses import dataclass

from aisc.core.catalogue.chips import peak_tflops


@dataclass(frozen=True)
class PublishedRun:
    name: str
    chip: str
    params: float
    active_params: float
    tokens: float
    gpu_hours: float
    source: str

    def effective_mfu(self) -> float:
        peak = peak_tflops(self.chip, "bf16") * 1e12
        return 6 * self.active_params * self.tokens / (self.gpu_hours * 3600 * peak)


_LLAMA2 = "meta-llama/llama MODEL_CARD.md (domain-facts §3.4)"
_LLAMA3 = "Llama 3 model card (domain-facts §3.4)"
_LLAMA31 = "meta-llama/llama-models llama3_1/MODEL_CARD.md (domain-facts §3.4)"

PUBLISHED_RUNS: tuple[PublishedRun, ...] = (
    PublishedRun("Llama 2 7B", "a100", 6.7e9, 6.7e9, 2.0e12, 184_320, _LLAMA2),
    PublishedRun("Llama 2 13B", "a100", 13e9, 13e9, 2.0e12, 368_640, _LLAMA2),
    PublishedRun("Llama 2 70B", "a100", 69e9, 69e9, 2.0e12, 1_720_320, _LLAMA2),
    PublishedRun("Llama 3 8B", "h100", 8e9, 8e9, 15e12, 1_300_000, _LLAMA3),
    PublishedRun("Llama 3 70B", "h100", 70.6e9, 70.6e9, 15e12, 6_400_000, _LLAMA3),
    PublishedRun("Llama 3.1 8B", "h100", 8e9, 8e9, 15.6e12, 1_460_000, _LLAMA31),
    PublishedRun("Llama 3.1 70B", "h100", 70.6e9, 70.6e9, 15.6e12, 7_000_000, _LLAMA31),
    PublishedRun("Llama 3.1 405B", "h100", 405e9, 405e9, 15.6e12, 30_840_000, _LLAMA31),
    PublishedRun(
        "DeepSeek-V3",
        "h800",
        671e9,
        37e9,
        14.8e12,
        2_664_000,
        "DeepSeek-V3 technical report: 2.664M H800-hours of pre-training on 14.8T tokens, "
        "of 2.788M in total with context extension and post-training (domain-facts §3.4)",
    ),
)
