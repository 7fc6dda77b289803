"""The eight accelerator models the centre runs or evaluates, with dense peak TFLOPS per precision.

Every figure carries its source. Figures come from docs/facts/domain-facts.md §3.2 and
docs/facts/scheduling-anchors.md §4. A precision whose figure is not in those sources (or
that the chip does not support) is left out rather than guessed: `peak_tflops` then raises
`NotFound` naming the chip and precision. All peaks are *dense*: vendor "with sparsity" figures are
2x and are never used to justify or bill compute (domain-facts §3.2).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from aisc.core.errors import NotFound

PRECISIONS: tuple[str, ...] = ("fp64", "fp32", "tf32", "bf16", "fp16", "fp8")


@dataclass(frozen=True)
class Figure:
    """One published number, where it came from and how far to trust it."""

    value: float
    source: str
    confidence: str = "medium"  # high | medium | low | uncertain


@dataclass(frozen=True)
class ChipSpec:
    code: str
    name: str
    vendor: str
    memory_gb: int
    memory_source: str
    peaks: Mapping[str, Figure]
    memory_bandwidth_tbs: float | None = None
    scale_up: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        # Read-only, so no caller can patch a published figure at run time.
        object.__setattr__(self, "peaks", MappingProxyType(dict(self.peaks)))

    def precisions(self) -> tuple[str, ...]:
        """The precisions with a published dense peak, in the canonical order."""
        return tuple(p for p in PRECISIONS if p in self.peaks)


_H100_TABLE = "domain-facts §3.2 (hmc-tech.com spec table; itkb.uw.cz); scheduling-anchors §4"
_H800_TABLE = "domain-facts §3.2 (philisun.com; tumgag); scheduling-anchors §4 (same die as H100)"
_A100_TABLE = "domain-facts §3.2 (NVIDIA A100 whitepaper, quoted); scheduling-anchors §4"
_BIREN = "domain-facts §3.2 and scheduling-anchors §4 (Tom's Hardware, Aug 2022; vendor claim)"


def _same(value: float, source: str, confidence: str, *precisions: str) -> dict[str, Figure]:
    return {p: Figure(value, source, confidence) for p in precisions}


CHIPS: Mapping[str, ChipSpec] = MappingProxyType(
    {
        "h800": ChipSpec(
            code="h800",
            name="NVIDIA H800 SXM",
            vendor="NVIDIA",
            memory_gb=80,
            memory_source=_H800_TABLE,
            memory_bandwidth_tbs=3.35,
            scale_up="NVLink 400 GB/s",
            peaks={
                **_same(989.4, _H800_TABLE, "medium", "bf16", "fp16"),
                "fp8": Figure(1979.0, _H800_TABLE, "medium"),
                "fp64": Figure(1.0, "scheduling-anchors §4 (philisun.com: FP64 ≈ 1 TF)", "low"),
            },
            notes=(
                "FP32 and TF32 dense peaks are not in the stored sources; left out.",
                "All of the AISC's 3,000 PFLOPS are H800 (domain-facts §1.7).",
            ),
        ),
        "h100": ChipSpec(
            code="h100",
            name="NVIDIA H100 SXM",
            vendor="NVIDIA",
            memory_gb=80,
            memory_source=_H100_TABLE,
            memory_bandwidth_tbs=3.35,
            scale_up="NVLink 900 GB/s",
            peaks={
                **_same(989.4, _H100_TABLE, "high", "bf16", "fp16"),
                "fp8": Figure(1979.0, _H100_TABLE, "high"),
                "fp64": Figure(67.0, "scheduling-anchors §4 (H100 FP64 34 vector / 67 tensor)"),
            },
            notes=(
                "FP64 is the tensor-core figure; the vector FP64 rate is 34 TFLOPS.",
                "FP32 and TF32 dense peaks are not in the stored sources; left out.",
            ),
        ),
        "h200": ChipSpec(
            code="h200",
            name="NVIDIA H200 SXM",
            vendor="NVIDIA",
            memory_gb=141,
            memory_source="domain-facts §3.2 (itkb.uw.cz 2026-06); scheduling-anchors §4",
            memory_bandwidth_tbs=4.8,
            scale_up="NVLink 900 GB/s",
            peaks={
                **_same(
                    989.0,
                    "domain-facts §3.2 (itkb.uw.cz 2026-06: same compute as H100)",
                    "high",
                    "bf16",
                    "fp16",
                ),
                "fp8": Figure(1979.0, "domain-facts §3.2; scheduling-anchors §4", "high"),
            },
            notes=(
                "One vendor page wrongly lists 1.97 PF as 'dense' BF16 (domain-facts §3.2).",
                "FP64, FP32 and TF32 dense peaks are not in the stored sources; left out.",
            ),
        ),
        "a800": ChipSpec(
            code="a800",
            name="NVIDIA A800 80GB SXM",
            vendor="NVIDIA",
            memory_gb=80,
            memory_source="domain-facts §3.2 (aiwiki.ai; tweakers.net; purepc.pl)",
            memory_bandwidth_tbs=2.04,
            scale_up="NVLink 400 GB/s",
            peaks=_same(
                312.0,
                "domain-facts §3.2 (aiwiki.ai: same compute as A100)",
                "medium",
                "bf16",
                "fp16",
            ),
            notes=(
                "No FP8 units (Ampere).",
                "A '70 % speed' variant is reported but unconfirmed (domain-facts §3.2).",
            ),
        ),
        "a100": ChipSpec(
            code="a100",
            name="NVIDIA A100 80GB SXM",
            vendor="NVIDIA",
            memory_gb=80,
            memory_source=_A100_TABLE,
            memory_bandwidth_tbs=2.04,
            scale_up="NVLink 600 GB/s",
            peaks=_same(312.0, _A100_TABLE, "high", "bf16", "fp16"),
            notes=("No FP8 units (Ampere).",),
        ),
        "br104": ChipSpec(
            code="br104",
            name="Biren BR104 (PCIe)",
            vendor="Biren",
            memory_gb=32,
            memory_source=_BIREN,
            memory_bandwidth_tbs=0.819,
            scale_up="PCIe 5",
            peaks={"bf16": Figure(512.0, _BIREN, "low")},
            notes=("Only the BF16 vendor peak is published; other precisions left out.",),
        ),
        "br100": ChipSpec(
            code="br100",
            name="Biren BR100 (OAM)",
            vendor="Biren",
            memory_gb=64,
            memory_source=_BIREN,
            memory_bandwidth_tbs=1.64,
            scale_up="8 x BLink, 2.3 TB/s aggregate",
            peaks={
                "bf16": Figure(1024.0, _BIREN, "low"),
                "fp32": Figure(256.0, "scheduling-anchors §4 (Tom's Hardware, TechPowerUp)", "low"),
            },
            notes=(
                "Biren's 'TF32+' (512 TFLOPS) is not IEEE TF32, so no tf32 figure is given.",
                "Memory bandwidth: 1.64 TB/s (Tom's Hardware) to 2.3 TB/s (other reports).",
            ),
        ),
        "ascend910b": ChipSpec(
            code="ascend910b",
            name="Huawei Ascend 910B",
            vendor="Huawei",
            memory_gb=64,
            memory_source="domain-facts §3.2 (ai.gitee.com; borimooc.com)",
            memory_bandwidth_tbs=1.6,
            scale_up="HCCS ≈ 392 GB/s (8-NPU full mesh)",
            peaks={
                "fp16": Figure(
                    320.0,
                    "domain-facts §3.2: 280 to 376 by SKU and source; 320 commonly quoted",
                    "uncertain",
                )
            },
            notes=(
                "Only an FP16 range is published (280-376 TFLOPS); measure before relying on it.",
                "No BF16 figure in the stored sources; left out.",
            ),
        ),
    }
)


def chip(code: str) -> ChipSpec:
    """The chip with this code (any case), or NotFound naming it and the codes that exist."""
    try:
        return CHIPS[code.lower()]
    except KeyError:
        known = ", ".join(CHIPS)
        raise NotFound(
            "unknown chip %(code)s; known chips: %(known)s",
            field="chip",
            params={"code": f"{code!r}", "known": known},
        ) from None


def peak_tflops(chip_code: str, precision: str) -> float:
    """Dense peak TFLOPS of one chip at one precision; NotFound when it is not published."""
    spec = chip(chip_code)
    if precision not in PRECISIONS:
        raise NotFound(
            "unknown precision %(precision)s; use one of %(precisions)s",
            field="precision",
            params={"precision": f"{precision!r}", "precisions": ", ".join(PRECISIONS)},
        )
    figure = spec.peaks.get(precision)
    if figure is None:
        published = ", ".join(spec.precisions())
        raise NotFound(
            ("no published dense %(precision)s peak for %(chip_code)s; published: %(published)s"),
            field="precision",
            params={"precision": precision, "chip_code": chip_code, "published": published},
        )
    return figure.value
