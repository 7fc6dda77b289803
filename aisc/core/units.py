"""Units with one meaning each: Money in HKD (one rounding rule), GPU-hours, PFLOPS with a basis."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


def to_decimal(value: Decimal | int | str) -> Decimal:
    """Exact conversion; floats are refused because they carry binary rounding error."""
    if isinstance(value, float):
        raise TypeError("money and rates are never floats; pass a str, int or Decimal")
    try:
        result = Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(f"not a decimal number: {value!r}") from exc
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def round_money(amount: Decimal) -> Decimal:
    """The one rounding rule: half-up to the cent, applied once per line."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, order=True)
class Money:
    """An amount of Hong Kong dollars, always held to the cent."""

    amount: Decimal

    def __init__(self, amount: Decimal | int | str) -> None:
        object.__setattr__(self, "amount", round_money(to_decimal(amount)))

    @classmethod
    def zero(cls) -> Money:
        return cls(0)

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + other.amount)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - other.amount)

    def __neg__(self) -> Money:
        return Money(-self.amount)

    def times(self, factor: Decimal | int | str) -> Money:
        """Multiply and round once, at this line."""
        return Money(self.amount * to_decimal(factor))

    def __str__(self) -> str:
        return f"HK${self.amount:,.2f}"


@dataclass(frozen=True)
class Pflops:
    """Peak compute, always naming its basis (precision and sparsity), e.g. 'BF16 dense'."""

    value: float
    basis: str

    def __str__(self) -> str:
        return f"{self.value:,.1f} PFLOPS {self.basis}"


def gpu_hours_to_minutes(gpu_hours: Decimal | int | str) -> int:
    """Slurm budgets count whole GPU-minutes; partial minutes are not granted."""
    minutes = to_decimal(gpu_hours) * 60
    return int(minutes.to_integral_value(rounding="ROUND_FLOOR"))
