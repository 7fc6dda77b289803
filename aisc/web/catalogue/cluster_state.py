"""The cluster's own state of each node, for the catalogue's pages. The catalogue stores the
nodes and what an operator set (drain, down, reserved); whether a node is idle or busy only the
cluster knows, through the Slurm adapter, which the allocations app (above) holds."""

from __future__ import annotations

from aisc.web.events import Port

# node name -> state as the cluster reports it; None when the cluster cannot be asked now
node_states: Port[[], dict[str, str] | None] = Port("catalogue.node_states", "allocations")
