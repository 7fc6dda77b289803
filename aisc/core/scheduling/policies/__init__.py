"""Scheduling policies, one module each, all behind `aisc.core.scheduling.policy.Policy`."""

from __future__ import annotations

import importlib

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.model import ClusterSpec
from aisc.core.scheduling.policy import Policy, PolicyOptions

# name -> "module:Class": a new policy adds one line here.
POLICIES: dict[str, str] = {
    "fifo": "aisc.core.scheduling.policies.fifo:Fifo",
    "multifactor": "aisc.core.scheduling.policies.multifactor:Multifactor",
    "backfill": "aisc.core.scheduling.policies.multifactor:Backfill",
    "fairshare": "aisc.core.scheduling.policies.fairshare:FairShare",
    "sjf": "aisc.core.scheduling.policies.sjf:ShortestJobFirst",
    "las": "aisc.core.scheduling.policies.las:LeastAttainedService",
    "hetero": "aisc.core.scheduling.policies.hetero:HeterogeneityAware",
}


def make_policy(name: str, cluster: ClusterSpec, options: PolicyOptions | None = None) -> Policy:
    target = POLICIES.get(name)
    if target is None:
        raise RuleViolation(
            f"unknown policy {name!r}; known: {', '.join(POLICIES)}", field="policy"
        )
    module, _, cls = target.partition(":")
    policy: Policy = getattr(importlib.import_module(module), cls)(
        cluster, options or PolicyOptions()
    )
    return policy
