"""Which implementation of an adapter the platform talks to, chosen in one place from the
configuration, the way warehouse registers one factory per service interface and every caller
asks for the interface, never for a class.

The Slurm adapter (`slurm(kind, site)`): `kind` is AISC_CLUSTER (aisc.config.Config.cluster);
allocations' enforcement, billing's usage reader, the CLI and the worker all get their adapter
here (through aisc.web.allocations.cluster.adapter, which fills in the site from the catalogue).

- "slurm": `CliSlurm`, Slurm's own commands on the real cluster;
- "embedded": `FakeSlurm` over the site's nodes, its state in the site's file, so `aisc slurm
  plan`, `apply` and `check` in separate processes agree; the embedded cluster enforces it;
- "fake": `FakeSlurm` in memory, for tests.

Mail and document storage have one implementation per configuration already
(aisc.adapters.mail.default_mailer, aisc.adapters.files.default_store).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aisc.adapters.slurm.cli import CliSlurm
from aisc.adapters.slurm.fake import TEST_CLUSTER_NODES, FakeSlurm
from aisc.adapters.slurm.protocol import Node, SlurmAdapter
from aisc.core.errors import RuleViolation


def _test_nodes() -> tuple[Node, ...]:
    return TEST_CLUSTER_NODES


@dataclass(frozen=True)
class SlurmSite:
    """What a fake needs to stand in for a cluster: its nodes (asked only when needed) and where
    it keeps its state (None: in memory)."""

    nodes: Callable[[], tuple[Node, ...]] = _test_nodes
    state_file: Path | None = None


SlurmFactory = Callable[[SlurmSite], SlurmAdapter]

# kind -> factory: a new kind of cluster adds one line here.
SLURM: dict[str, SlurmFactory] = {
    "slurm": lambda site: CliSlurm(),
    "embedded": lambda site: FakeSlurm(nodes=site.nodes(), path=site.state_file),
    "fake": lambda site: FakeSlurm(nodes=site.nodes()),
}


def slurm(kind: str, site: SlurmSite | None = None) -> SlurmAdapter:
    factory = SLURM.get(kind)
    if factory is None:
        known = ", ".join(sorted(SLURM))
        raise RuleViolation(
            f"cluster: no Slurm adapter of kind {kind!r} (known: {known})", field="cluster"
        )
    return factory(site or SlurmSite())
