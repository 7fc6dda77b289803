"""The catalogue's node state is the cluster's: the embedded cluster's adapter lists each node in
the state its running jobs give it, and the catalogue page reads it from there, agreeing with the
cluster page's GPUs in use."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from aisc.web.accounts.models import Role, User
from aisc.web.allocations import cluster
from aisc.web.allocations.models import Allocation
from aisc.web.catalogue.actions import do_set_node_state
from aisc.web.catalogue.models import Node
from aisc.web.cluster import pages, service
from aisc.web.cluster.models import EmbeddedJob
from tests.web.cluster.conftest import EPOCH, HOUR

pytestmark = pytest.mark.django_db


def states_on_the_catalogue_page(client: Client) -> dict[str, str]:
    html = client.get("/catalogue/").content.decode()
    rows = re.findall(r'data-node="([a-z0-9-]+)">.*?state-([a-z]+)\b', html, re.S)
    return dict(rows)


@pytest.fixture
def operator(make_user: Callable[..., User], logged_in: Callable[[User], Client]) -> Client:
    return logged_in(make_user(Role.OPERATOR))


def test_nodes_running_jobs_show_busy_on_the_catalogue_as_on_the_cluster_page(
    make_allocation: Callable[..., Allocation],
    job: Callable[..., EmbeddedJob],
    operator: Client,
) -> None:
    make_allocation()
    job(gpus=12, hours=3, limit_hours=4)  # one H800 node and half of the other
    service.advance(EPOCH + HOUR)
    states = {n.name: n.state for n in cluster.adapter().nodes()}
    assert states == {
        "br104-01": "idle",
        "br104-02": "idle",
        "h800-01": "allocated",
        "h800-02": "mixed",
    }
    assert states_on_the_catalogue_page(operator) == states
    assert sum(cluster.gpus_in_use().values()) == pages.overview().busy == 12


def test_when_the_jobs_end_the_nodes_are_idle_again(
    make_allocation: Callable[..., Allocation],
    job: Callable[..., EmbeddedJob],
    operator: Client,
) -> None:
    make_allocation()
    job(gpus=8, hours=1, limit_hours=2)
    service.advance(EPOCH + 3 * HOUR)
    assert set(states_on_the_catalogue_page(operator).values()) == {"idle"}
    assert cluster.gpus_in_use() == {}


def test_a_drained_node_stays_drained_and_the_jobs_run_on_the_others(
    make_allocation: Callable[..., Allocation],
    job: Callable[..., EmbeddedJob],
    operator: Client,
) -> None:
    do_set_node_state(
        Node.objects.get(name="h800-01"), "drain", acting_user=None, reason="new firmware"
    )
    make_allocation()
    job(gpus=8, hours=3, limit_hours=4)
    service.advance(EPOCH + HOUR)
    states = states_on_the_catalogue_page(operator)
    assert (states["h800-01"], states["h800-02"]) == ("drain", "allocated")


@pytest.mark.parametrize(
    ("stored", "gpus", "busy", "state"),
    [
        ("idle", 8, 0, "idle"),
        ("idle", 8, 3, "mixed"),
        ("idle", 8, 8, "allocated"),
        ("down", 8, 0, "down"),
        ("reserved", 8, 8, "reserved"),
        ("idle", 0, 0, "idle"),
    ],
)
def test_a_nodes_state_follows_its_gpus_in_use_unless_an_operator_set_it(
    stored: str, gpus: int, busy: int, state: str
) -> None:
    assert cluster.node_state(stored, gpus, busy) == state
