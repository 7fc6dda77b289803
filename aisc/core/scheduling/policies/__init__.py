"""Scheduling policies, one module each, all behind `aisc.core.scheduling.policy.Policy`."""

from __future__ import annotations

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.model import ClusterSpec
from aisc.core.scheduling.policies.fairshare import FairShare
from aisc.core.scheduling.policies.fifo import Fifo
from aisc.core.scheduling.policies.gavel import (
    GavelFifo,
    GavelFifoPerf,
    GavelLas,
    GavelLasPerf,
    SrsfPerf,
)
from aisc.core.scheduling.policies.hetero import HeterogeneityAware
from aisc.core.scheduling.policies.las import LeastAttainedService
from aisc.core.scheduling.policies.multifactor import Backfill, Multifactor
from aisc.core.scheduling.policies.sjf import ShortestJobFirst
from aisc.core.scheduling.policies.slurm import Slurm
from aisc.core.scheduling.policy import Policy, PolicyOptions

# name -> class: a new policy adds one line here.
POLICIES: dict[str, type[Policy]] = {
    "fifo": Fifo,
    "multifactor": Multifactor,
    "backfill": Backfill,
    "slurm": Slurm,
    "fairshare": FairShare,
    "sjf": ShortestJobFirst,
    "las": LeastAttainedService,
    "hetero": HeterogeneityAware,
    "gavel-fifo": GavelFifo,
    "gavel-fifo-perf": GavelFifoPerf,
    "gavel-las": GavelLas,
    "gavel-las-perf": GavelLasPerf,
    "srsf-perf": SrsfPerf,
}


def make_policy(name: str, cluster: ClusterSpec, options: PolicyOptions | None = None) -> Policy:
    cls = POLICIES.get(name)
    if cls is None:
        raise RuleViolation(
            "unknown policy %(name)s; known: %(policies)s",
            field="policy",
            params={"name": f"{name!r}", "policies": ", ".join(POLICIES)},
        )
    return cls(cluster, options or PolicyOptions())
