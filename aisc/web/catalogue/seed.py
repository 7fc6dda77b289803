"""The chip rows as the core publishes them; used by the data migration and the demo loader."""

from __future__ import annotations

from typing import Any

from aisc.core.catalogue.chips import CHIPS, ChipSpec


def chip_row(spec: ChipSpec) -> dict[str, Any]:
    """Field values of a ChipModel row for one core chip, peaks with their sources."""
    return {
        "name": spec.name,
        "vendor": spec.vendor,
        "memory_gb": spec.memory_gb,
        "peaks": {
            precision: {
                "tflops": figure.value,
                "source": figure.source,
                "confidence": figure.confidence,
            }
            for precision, figure in spec.peaks.items()
        },
        "notes": "\n".join(spec.notes),
    }


def seed_chips(chip_model: Any) -> int:
    """Create or refresh one row per core chip; returns how many rows it wrote."""
    for code, spec in CHIPS.items():
        chip_model.objects.update_or_create(code=code, defaults=chip_row(spec))
    return len(CHIPS)
