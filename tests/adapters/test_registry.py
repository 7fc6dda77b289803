"""The adapter registry chooses the Slurm implementation for the configured cluster kind."""

from pathlib import Path

import pytest

from aisc.adapters import registry
from aisc.adapters.slurm.cli import CliSlurm
from aisc.adapters.slurm.fake import TEST_CLUSTER_NODES, FakeSlurm
from aisc.adapters.slurm.protocol import Node
from aisc.core.errors import RuleViolation

ONE_NODE = (Node("n1", "gpu", "h800", 8, "idle"),)


def test_the_real_kind_is_slurms_own_commands_and_asks_nothing_of_the_site() -> None:
    def no_nodes() -> tuple[Node, ...]:
        raise AssertionError("the real cluster has its own nodes")

    assert isinstance(registry.slurm("slurm", registry.SlurmSite(nodes=no_nodes)), CliSlurm)


def test_the_embedded_kind_keeps_its_state_in_the_sites_file(tmp_path: Path) -> None:
    state = tmp_path / "slurm.json"
    adapter = registry.slurm("embedded", registry.SlurmSite(lambda: ONE_NODE, state))
    assert isinstance(adapter, FakeSlurm)
    assert adapter.path == state
    assert [n.name for n in adapter.nodes()] == ["n1"]


def test_the_fake_kind_lives_in_memory_on_the_test_clusters_nodes() -> None:
    adapter = registry.slurm("fake")
    assert isinstance(adapter, FakeSlurm)
    assert adapter.path is None
    assert adapter.nodes() == sorted(TEST_CLUSTER_NODES, key=lambda n: n.name)


def test_an_unknown_kind_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(RuleViolation, match="known: embedded, fake, slurm") as err:
        registry.slurm("pbs")
    assert err.value.field == "cluster"
