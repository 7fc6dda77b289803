"""Node types (chip x count, CPUs, memory, interconnect) and capacity in GPUs and PFLOPS.

Capacity is stored as GPU counts; PFLOPS are derived from them and always name their basis
(precision, dense), because the centre's "1,300 PFLOPS" means ~1,314 H800 in BF16 dense but only
~657 in FP8 dense (domain-facts §1.7, scheduling-anchors §3.1).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from aisc.core.catalogue.chips import chip, peak_tflops
from aisc.core.errors import RuleViolation
from aisc.core.units import Pflops


@dataclass(frozen=True)
class NodeType:
    code: str
    chip: str
    gpus: int
    cpus: int
    memory_gb: int
    interconnect: str

    def __post_init__(self) -> None:
        chip(self.chip)  # NotFound for a chip outside the catalogue
        for name in ("gpus", "cpus", "memory_gb"):
            if getattr(self, name) < 1:
                raise RuleViolation(
                    "%(name)s must be at least 1", field=name, params={"name": name}
                )


# Node shapes of the demo centre. The 8-GPU H800 node is the "8 PFLOPS per computer" of
# domain-facts §1.7 (8 x 989.4 TFLOPS BF16 dense). The CPU, memory and network figures of the
# AISC's real nodes are not published: these are assumed demo values, and operators enter the
# real ones as NodeType rows in the catalogue app.
STANDARD_NODE_TYPES: Mapping[str, NodeType] = {
    "h800x8": NodeType("h800x8", "h800", 8, 112, 2048, "InfiniBand NDR 8 x 400 Gb/s"),
    "br104x8": NodeType("br104x8", "br104", 8, 64, 1024, "RoCE 2 x 200 Gb/s"),
}


def basis(precision: str) -> str:
    """The name of a PFLOPS basis, e.g. 'BF16 dense'."""
    return f"{precision.upper()} dense"


def pflops(gpus_by_chip: Mapping[str, int], precision: str) -> Pflops:
    """Peak PFLOPS of a set of GPUs at one precision, dense, named by its basis."""
    total_tflops = 0.0
    for chip_code, count in gpus_by_chip.items():
        if count < 0:
            raise RuleViolation("a GPU count cannot be negative", field=chip_code)
        total_tflops += count * peak_tflops(chip_code, precision)
    return Pflops(total_tflops / 1000.0, basis(precision))


def nearest(value: float) -> int:
    """Half-up to a whole unit: equivalents are quoted as '≈ N', not as what must be bought."""
    return int(Decimal(repr(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def gpus_for(pflops_value: float, chip_code: str, precision: str) -> int:
    """How many GPUs of one chip give this many PFLOPS at this precision (nearest whole GPU)."""
    if pflops_value < 0:
        raise RuleViolation("PFLOPS cannot be negative", field="pflops")
    return nearest(pflops_value * 1000.0 / peak_tflops(chip_code, precision))


def nodes_for(gpus: int, gpus_per_node: int = 8) -> int:
    """Nodes that hold this many GPUs, to the nearest whole node (164.25 -> 164)."""
    if gpus_per_node < 1:
        raise RuleViolation("gpus_per_node must be at least 1", field="gpus_per_node")
    if gpus < 0:
        raise RuleViolation("a GPU count cannot be negative", field="gpus")
    return nearest(gpus / gpus_per_node)
