"""The Slurm adapter every caller uses: the kind AISC_CLUSTER names, from the adapter registry
(aisc.adapters.registry), with the embedded cluster's nodes and state file filled in here.

The embedded cluster's nodes are the catalogue's, each in the state its running jobs give it
(idle, mixed, allocated), as `sinfo` reports a real cluster's: the catalogue's pages and the
cluster page read the same state through this adapter. Its jobs live in the cluster app, above
this one, which answers `gpus_in_use`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from django.conf import settings

from aisc.adapters import registry
from aisc.adapters.slurm.errors import SlurmUnreachable
from aisc.adapters.slurm.fake import TEST_CLUSTER_NODES
from aisc.adapters.slurm.protocol import Node, SlurmAdapter
from aisc.web.compiled import Compiled
from aisc.web.events import Port

# node name -> GPUs the embedded cluster's running jobs hold on it (aisc.web.cluster.node_use)
gpus_in_use: Port[[], dict[str, int]] = Port("allocations.gpus_in_use", "cluster")
# What an operator sets in the catalogue stays, whatever runs: Slurm runs nothing new there.
OPERATOR_STATES = frozenset({"drain", "down", "reserved"})


def embedded_state_file() -> Path:
    configured = getattr(settings, "AISC_EMBEDDED_SLURM_STATE", None)
    return Path(configured) if configured else settings.CONFIG.data_dir / "embedded-slurm.json"


def embedded_nodes() -> tuple[Node, ...]:
    """The catalogue's nodes when it has some; otherwise the test cluster's layout."""
    nodes = tuple(
        Node(
            r["name"],
            r["partition__name"],
            r["node_type__chip_id"],
            r["node_type__gpus"],
            r["state"],
        )
        for r in catalogue_nodes()
    )
    return nodes or TEST_CLUSTER_NODES


def _catalogue_nodes() -> Any:
    from aisc.web.catalogue.models import Node as NodeRow

    return NodeRow.objects.values(
        "name", "partition__name", "node_type__chip_id", "node_type__gpus", "state"
    )


# Read on every cluster page and every advance of the embedded cluster: compiled once.
catalogue_nodes = Compiled(_catalogue_nodes)


def node_state(stored: str, gpus: int, busy: int) -> str:
    """The state sinfo would give a node with `busy` of its `gpus` in use."""
    if stored in OPERATOR_STATES or not gpus:
        return stored
    if busy == 0:
        return "idle"
    return "allocated" if busy >= gpus else "mixed"


def embedded_cluster_nodes() -> tuple[Node, ...]:
    """The embedded cluster's nodes as its adapter lists them: in the state its jobs give."""
    use = gpus_in_use()
    return tuple(
        dataclasses.replace(n, state=node_state(n.state, n.gpus, use.get(n.name, 0)))
        for n in embedded_nodes()
    )


def node_states() -> dict[str, str] | None:
    """Node name -> the state the configured cluster reports; None when it cannot be asked."""
    try:
        return {n.name: n.state for n in adapter().nodes()}
    except SlurmUnreachable:
        return None


def adapter() -> SlurmAdapter:
    site = registry.SlurmSite(nodes=embedded_cluster_nodes, state_file=embedded_state_file())
    return registry.slurm(str(settings.AISC_CLUSTER), site)


def node_names() -> set[str] | None:
    """Names of the cluster's nodes, or None when Slurm cannot be asked right now."""
    try:
        return {n.name for n in adapter().nodes()}
    except SlurmUnreachable:
        return None
