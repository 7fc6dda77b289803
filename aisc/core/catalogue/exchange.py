"""Exchange rates between chips: relative throughput, effective-dated, like ACCESS's exchange
calculator. A project moving budget from one chip to another keeps the work it can do, not the
GPU-hours: 100 H800-hours become ~193 BR104-hours when a BR104 does ~0.52 of an H800's work.

Factors are relative to one reference chip (H800 = 1). The defaults are the dense peak ratios
(BF16, or FP16 where only that is published), which is what the Slurm test cluster's
TRESBillingWeights approximate (h800 1.0, br104 0.5; scripts/slurm-test-cluster.d/slurm.conf).
Operators replace them with measured throughput as rows that take effect on a date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from aisc.core.catalogue.chips import CHIPS, chip, peak_tflops
from aisc.core.errors import NotFound, RuleViolation

REFERENCE_CHIP = "h800"
FACTOR_PLACES = Decimal("0.0001")
HOURS_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class ThroughputRate:
    chip: str
    valid_from: dt.date
    factor: Decimal  # work per GPU-hour relative to the reference chip


def check_rates(rates: Iterable[ThroughputRate]) -> None:
    """Known chips, positive factors, and at most one rate per chip per day."""
    seen: set[tuple[str, dt.date]] = set()
    for rate in rates:
        chip(rate.chip)
        if rate.factor <= 0:
            raise RuleViolation("the relative throughput must be above zero", field="factor")
        key = (rate.chip, rate.valid_from)
        if key in seen:
            raise RuleViolation(
                "two exchange rates for %(chip)s take effect on %(valid_from)s",
                field="valid_from",
                params={"chip": rate.chip, "valid_from": rate.valid_from},
            )
        seen.add(key)


def _peak_basis(chip_code: str) -> float:
    precision = "bf16" if "bf16" in CHIPS[chip_code].peaks else "fp16"
    return peak_tflops(chip_code, precision)


def default_rates(valid_from: dt.date) -> list[ThroughputRate]:
    """One rate per chip from the dense peak ratio to the reference chip."""
    reference = _peak_basis(REFERENCE_CHIP)
    return [
        ThroughputRate(
            code,
            valid_from,
            Decimal(repr(_peak_basis(code) / reference)).quantize(FACTOR_PLACES, ROUND_HALF_UP),
        )
        for code in CHIPS
    ]


def factor_on(
    rates: Iterable[ThroughputRate], chip_code: str, on: dt.date, field: str = "chip"
) -> Decimal:
    """The factor in force on a day: the latest rate of that chip that started on or before it;
    a missing one is refused under the form's `field`."""
    chip(chip_code)
    in_force = [r for r in rates if r.chip == chip_code and r.valid_from <= on]
    if not in_force:
        raise NotFound(
            "no exchange rate for %(chip_code)s on %(on)s",
            field=field,
            params={"chip_code": chip_code, "on": on.isoformat()},
        )
    return max(in_force, key=lambda r: r.valid_from).factor


def convert(
    gpu_hours: Decimal,
    from_chip: str,
    to_chip: str,
    on: dt.date,
    rates: Iterable[ThroughputRate],
) -> Decimal:
    """GPU-hours on `from_chip` turned into the GPU-hours on `to_chip` that do the same work."""
    if gpu_hours < 0:
        raise RuleViolation("GPU-hours cannot be negative", field="gpu_hours")
    table = list(rates)
    ratio = factor_on(table, from_chip, on) / factor_on(table, to_chip, on, "to_chip")
    return (gpu_hours * ratio).quantize(HOURS_PLACES, ROUND_HALF_UP)
