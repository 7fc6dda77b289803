"""The Slurm adapter every caller uses: the kind AISC_CLUSTER names, from the adapter registry
(aisc.adapters.registry), with the embedded cluster's nodes and state file filled in here."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from aisc.adapters import registry
from aisc.adapters.slurm.errors import SlurmUnreachable
from aisc.adapters.slurm.fake import TEST_CLUSTER_NODES
from aisc.adapters.slurm.protocol import Node, SlurmAdapter


def embedded_state_file() -> Path:
    configured = getattr(settings, "AISC_EMBEDDED_SLURM_STATE", None)
    return Path(configured) if configured else settings.CONFIG.data_dir / "embedded-slurm.json"


def embedded_nodes() -> tuple[Node, ...]:
    """The catalogue's nodes when it has some; otherwise the test cluster's layout."""
    from aisc.web.catalogue.models import Node as NodeRow

    rows = NodeRow.objects.select_related("partition", "node_type")
    nodes = tuple(
        Node(r.name, r.partition.name, r.node_type.chip_id, r.node_type.gpus, r.state) for r in rows
    )
    return nodes or TEST_CLUSTER_NODES


def adapter() -> SlurmAdapter:
    site = registry.SlurmSite(nodes=embedded_nodes, state_file=embedded_state_file())
    return registry.slurm(str(settings.AISC_CLUSTER), site)


def node_names() -> set[str] | None:
    """Names of the cluster's nodes, or None when Slurm cannot be asked right now."""
    try:
        return {n.name for n in adapter().nodes()}
    except SlurmUnreachable:
        return None
