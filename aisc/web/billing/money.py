"""Cents in the database, Decimal HKD everywhere else."""

from __future__ import annotations

from decimal import Decimal

from aisc.core.units import CENT, round_money


def to_cents(amount: Decimal) -> int:
    rounded = round_money(amount)
    if rounded != amount:
        raise ValueError(f"{amount} is not a whole number of cents")
    return int(rounded * 100)


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) * CENT).quantize(CENT)


def gpu_hours(gpu_seconds: int) -> Decimal:
    """Four places for display; amounts are always computed from the exact seconds."""
    return (Decimal(gpu_seconds) / Decimal(3600)).quantize(Decimal("0.0001"))
