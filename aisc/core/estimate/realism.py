"""Where the estimate is weak: MoE given as total parameters, over-trained small models, long runs.

The default MFU is calibrated on well-run dense and MoE pre-training (published.py), whose
GPU-hours already include their downtime. Three kinds of request fall outside that calibration,
and each gets a flag and a wider band rather than a silent number:

- **MoE given as its total parameters.** Compute follows the *active* parameters per token
  (flops.py); DeepSeek-V3 given as 671B instead of 37B active is estimated 671/37 = 18x too high.
  A request that declares MoE must give them (refused otherwise); a request that does not say
  whether it is MoE and names more than `MOE_SUSPECT_PARAMS` parameters is flagged, since most
  published models that large are MoE (DeepSeek-V3 671B, Mixtral 8x22B 141B) though some are not
  (Llama 3.1 405B): `moe=False` states a dense model and silences it.
- **Tokens far beyond the compute-optimal count.** Hoffmann et al. 2022 ("Training
  Compute-Optimal Large Language Models", arXiv:2203.15556, Chinchilla) put the compute-optimal
  count at about 20 tokens per parameter. Small models trained far beyond it run on clusters
  sized for their token budget, at low MFU: Llama 3 8B (15T tokens, 1,875 per parameter) and
  Llama 3.1 8B reach 16 % and 14 % effective MFU against the default 35 %, i.e. 2.2-2.4x the
  estimate. Beyond `OVERTRAINED_RATIO` (25x Chinchilla) the band's upper end is multiplied by
  `OVERTRAINED_WIDEN` = 2.5, which holds both runs; Llama 2 7B (298 per parameter) and Llama 3
  70B (212) stay inside the ordinary band and are not flagged.
- **Long runs.** Restarts after failures and checkpoint writes cost wall time that trains
  nothing. `goodput` is the share of the run's wall time that trains, and divides the GPU-hours.
  Its default 1.0 adds nothing to the calibration, whose runs already lost their own share
  (Llama 3 405B: "higher than 90 % effective training time" over a 54-day snapshot with 466
  interruptions on 16,384 H100s, Dubey et al. 2024, "The Llama 3 Herd of Models",
  arXiv:2407.21783, §3.3.4). Interruptions grow with GPUs x time: at Llama 3's rate, 466 per
  16,384 GPUs x 54 days = 2.19e-5 per GPU-hour, a run of more than `LONG_RUN_INTERRUPTIONS`
  expected interruptions that states no goodput is flagged, and the band's upper end is taken at
  goodput `LONG_RUN_GOODPUT_FLOOR` = 0.5: a bound we chose, not a measurement, for a cluster
  without Llama 3's automatic recovery (OPT-175B needed "at least 35 manual restarts" and cycled
  over 100 hosts in two months on 992 A100s; Zhang et al. 2022, arXiv:2205.01068, §2.5).
  A 7B model on 1T tokens (29,500 GPU-hours, 0.6 expected interruptions) is not flagged;
  Llama 2 70B (1.7M GPU-hours, 38) is.
"""

from __future__ import annotations

from aisc.core.estimate.compare import Flag

CHINCHILLA_TOKENS_PER_PARAM = 20.0
OVERTRAINED_RATIO = 25 * CHINCHILLA_TOKENS_PER_PARAM  # 500 tokens per parameter
OVERTRAINED_WIDEN = 2.5
MOE_SUSPECT_PARAMS = 100e9
INTERRUPTIONS_PER_GPU_HOUR = 466 / (16_384 * 54 * 24)
LONG_RUN_INTERRUPTIONS = 10.0
LONG_RUN_GOODPUT_FLOOR = 0.5


def tokens_per_param(tokens: float, active_params: float) -> float:
    return tokens / active_params


def moe_flags(params: float, active_params: float | None, moe: bool | None) -> list[Flag]:
    if moe is not None or active_params is not None or params <= MOE_SUSPECT_PARAMS:
        return []
    return [
        Flag(
            "moe_total_only",
            f"CHECK: {params:.3g} parameters with no active parameters given. If this is a "
            "mixture-of-experts model, compute follows the parameters active per token and this "
            f"estimate is total/active times too high (DeepSeek-V3: 671B/37B = 18x); give the "
            "active parameters, or state the model is dense",
        )
    ]


def overtrained_flags(ratio: float) -> list[Flag]:
    if ratio <= OVERTRAINED_RATIO:
        return []
    return [
        Flag(
            "beyond_compute_optimal",
            f"{ratio:,.0f} tokens per parameter is {ratio / CHINCHILLA_TOKENS_PER_PARAM:,.0f}x "
            f"the compute-optimal ~{CHINCHILLA_TOKENS_PER_PARAM:.0f} (Hoffmann et al. 2022); "
            "small models trained this far ran at 14-16 % effective MFU (Llama 3 8B, Llama 3.1 "
            f"8B), so the band's upper end is {OVERTRAINED_WIDEN}x the estimate",
        )
    ]


def expected_interruptions(gpu_hours: float) -> float:
    return gpu_hours * INTERRUPTIONS_PER_GPU_HOUR


def is_long_run(gpu_hours: float, goodput_given: bool) -> bool:
    return expected_interruptions(gpu_hours) > LONG_RUN_INTERRUPTIONS and not goodput_given


def long_run_flags(gpu_hours: float, goodput_given: bool) -> list[Flag]:
    if not is_long_run(gpu_hours, goodput_given):
        return []
    return [
        Flag(
            "long_run",
            f"about {expected_interruptions(gpu_hours):,.0f} interruptions expected at Llama 3's "
            "failure rate: restarts and checkpoints will cost wall time (Llama 3 405B kept >90 % "
            "with automatic recovery; OPT-175B needed 35+ manual restarts in two months). State "
            f"the expected goodput; the band's upper end assumes {LONG_RUN_GOODPUT_FLOOR:.0%}",
        )
    ]


def upper_widening(ratio: float, gpu_hours: float, goodput_given: bool) -> float:
    """How much further than the MFU band's floor the band's upper end reaches."""
    widen = OVERTRAINED_WIDEN if ratio > OVERTRAINED_RATIO else 1.0
    if is_long_run(gpu_hours, goodput_given):
        widen /= LONG_RUN_GOODPUT_FLOOR
    return widen


def significant(value: float, digits: int = 3) -> float:
    """`value` rounded to one decimal, or to `digits` significant figures when that shows more.

    A real job's GPU-hours are never printed as 0.0: 0.0004 GPU-hours stays 0.0004.
    """
    if value == 0.0 or abs(value) >= 10 ** (digits - 1):
        return round(value, 1)
    return float(f"{value:.{digits}g}")
