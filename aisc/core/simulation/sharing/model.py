"""Multi-resource nodes and pods that may ask a fraction of one GPU (GPU sharing).

A node has CPU (milli-cores), memory (MiB) and `gpus` GPUs of one model. A pod asks CPU, memory
and either no GPU, a fraction of one GPU (`gpu_milli` < 1000 with `num_gpu` = 1: it shares the
GPU with other pods) or `num_gpu` whole GPUs, and may restrict the GPU models it accepts. This is
the shape of Alibaba's OpenB trace (cluster-trace-gpu-v2023; Weng et al., ATC'23). Model names
are case-insensitive, as chip codes are everywhere else in the simulator.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from aisc.core.errors import RuleViolation

WHOLE = 1000  # milli-GPU in one GPU
MAX_GPUS_PER_NODE = 64


@dataclass(frozen=True)
class SharedNode:
    name: str
    cpu_milli: int
    memory_mib: int
    gpus: int
    model: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "model", self.model.lower())
        if self.cpu_milli < 0 or self.memory_mib < 0:
            raise RuleViolation(
                "node %(self)s: CPU and memory must be >= 0",
                field="nodes",
                params={"self": self.name},
            )
        if not 0 <= self.gpus <= MAX_GPUS_PER_NODE:
            raise RuleViolation(
                "node %(self)s: GPUs must be between 0 and %(max_gpus_per_node)s",
                field="nodes",
                params={"self": self.name, "max_gpus_per_node": MAX_GPUS_PER_NODE},
            )


@dataclass(frozen=True)
class Pod:
    """One pod; `duration` is inf for a pod that never leaves within the trace."""

    id: int
    name: str
    arrival: float
    duration: float
    cpu_milli: int
    memory_mib: int
    num_gpu: int
    gpu_milli: int
    models: frozenset[str] | None = None  # allowed GPU models; None: any
    line: int = 0

    def __post_init__(self) -> None:
        if self.models is not None:
            object.__setattr__(self, "models", frozenset(m.lower() for m in self.models))

    @property
    def per_gpu(self) -> int:
        """milli-GPU taken on each GPU it uses: a fraction for a sharing pod, else a whole GPU."""
        if self.num_gpu == 0:
            return 0
        return self.gpu_milli if self.num_gpu == 1 else WHOLE

    @property
    def gpu_demand(self) -> int:
        """milli-GPU in all."""
        return self.per_gpu * self.num_gpu

    @property
    def ends(self) -> bool:
        return math.isfinite(self.duration)
