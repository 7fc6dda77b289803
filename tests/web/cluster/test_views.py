"""The operator page of the embedded cluster: use per node group, running and pending jobs
with their reasons; operators only (auditors by the role-wide rule)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from aisc.web.accounts.models import Role, User
from aisc.web.allocations.models import Allocation
from aisc.web.cluster import pages, service
from aisc.web.cluster.models import EmbeddedJob
from tests.web.cluster.conftest import EPOCH, HOUR

pytestmark = pytest.mark.django_db


def test_an_operator_sees_the_use_the_running_jobs_and_why_others_wait(
    make_allocation: Callable[..., Allocation],
    job: Callable[..., EmbeddedJob],
    make_user: Callable[..., User],
    logged_in: Callable[[User], Client],
) -> None:
    make_allocation("com-a", hours=20, dedicated=("h800-02",))
    running = job(gpus=8, hours=2, limit_hours=2)
    over = job(gpus=8, hours=1, limit_hours=2)  # 16 + 16 GPU-hours reserved > 20 released
    service.advance(EPOCH + HOUR)
    html = logged_in(make_user(Role.OPERATOR)).get("/cluster/").content.decode()
    assert 'data-figure="busy">8<' in html
    assert 'data-figure="gpus">32<' in html
    # One hour of 8 GPUs (the job started at the epoch) in the last 24 h of 32 GPUs: 1 %.
    assert 'data-figure="day-use">1<' in html
    assert f'data-job="{running.pk}"' in html
    assert f'data-job="{over.pk}"' in html
    assert 'data-reason="AssocGrpGRESMinutes"' in html
    assert "The allocation&#x27;s GPU-hours are used up <code>AssocGrpGRESMinutes</code>" in html
    assert "com-a" in html
    assert "dedicated" in html


@pytest.mark.parametrize("roles", [(), (Role.FINANCE,)])
def test_anyone_but_operators_and_auditors_is_refused(
    roles: tuple[str, ...], make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    assert logged_in(make_user(*roles)).get("/cluster/").status_code == 403


def test_an_auditor_may_look(
    make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    assert logged_in(make_user(Role.AUDITOR)).get("/cluster/").status_code == 200


def test_a_visitor_is_sent_to_log_in(client: Client) -> None:
    assert client.get("/cluster/").status_code == 302


def test_the_use_over_the_last_day_counts_only_the_gpu_time_inside_it(
    make_allocation: Callable[..., Allocation], job: Callable[..., EmbeddedJob]
) -> None:
    make_allocation()
    job(gpus=16, hours=30, limit_hours=40)  # both h800 nodes for 30 h
    job(gpus=8, hours=2, chip="br104", at=EPOCH + 20 * HOUR)  # done before the last day began
    service.advance(EPOCH + 48 * HOUR)
    # In the last 24 h (24 h to 48 h): 16 GPUs x 6 h of 32 GPUs x 24 h = 12.5 %, shown as 12.
    assert pages.overview().day_use_percent == 12


def test_the_page_groups_the_nodes_as_the_scheduler_does_from_the_active_allocations_alone(
    make_allocation: Callable[..., Allocation], epoch: object
) -> None:
    from aisc.web.cluster import layout

    make_allocation("com-a", hours=20, dedicated=("h800-02",))
    stopped = make_allocation("com-b", hours=20, dedicated=("h800-01",))
    make_allocation("com-c", hours=20)
    Allocation.objects.filter(pk=stopped.pk).update(status="suspended")

    groups = layout.node_groups()

    assert groups == layout.cluster_spec().groups
    assert [g.reserved_for for g in groups].count("com-a") == 1
    assert "com-b" not in [g.reserved_for for g in groups]
