"""The grants app's number columns: money in HK$, subsidy rates and GPU-hours, each with the
precision the scheme needs, so that every model holds them alike."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models


def money(label: Any = None, **kw: Any) -> models.DecimalField[Any, Decimal]:
    """HK$ to the cent; 16 digits hold far more than the HK$3 bn fund."""
    return models.DecimalField(label, max_digits=16, decimal_places=2, **kw)


def rate(label: Any = None, **kw: Any) -> models.DecimalField[Any, Decimal]:
    """A subsidy rate such as 0.70."""
    return models.DecimalField(label, max_digits=4, decimal_places=2, **kw)


def hours(label: Any = None, **kw: Any) -> models.DecimalField[Any, Decimal]:
    return models.DecimalField(label, max_digits=14, decimal_places=2, **kw)
