"""Allocations reach the (embedded) cluster: plan, apply, sync state, outbox and worker task."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from aisc.adapters.slurm.fake import FakeSlurm
from aisc.core.allocations.slurmstate import Account
from aisc.web import worker_tasks
from aisc.web.allocations import actions, cluster, sync
from aisc.web.allocations.actions import NewAllocation
from aisc.web.allocations.models import Allocation, SyncStatus
from aisc.web.audit.models import AuditEvent
from aisc.web.outbox.dispatch import drain
from tests.web.allocations.conftest import START


def activate(allocation: Allocation) -> Allocation:
    actions.do_advance_by_date(START)
    allocation.refresh_from_db()
    return allocation


def test_the_plan_of_an_active_allocation_has_its_account_budget_and_members(
    allocation: Allocation,
) -> None:
    activate(allocation)
    pending = sync.make_plan(cluster.adapter())
    texts = [c.describe() for c in pending.changes]
    account = next(t for t in texts if t.startswith("+ account p2026a-001"))
    # only the released tranche (1,000 GPU-hours) is spendable: 60,000 GPU-minutes
    assert "grp_tres_mins=gres/gpu:br104=0,gres/gpu:h800=60000" in account
    assert "+ user alice@p2026a-001  user=alice account=p2026a-001" in texts


def test_apply_provisions_records_sync_state_and_audits_then_finds_nothing_to_do(
    allocation: Allocation,
) -> None:
    activate(allocation)
    outcome, remaining = sync.apply()
    assert outcome.complete
    assert remaining.changes == []
    allocation.refresh_from_db()
    assert allocation.sync_status == SyncStatus.IN_SYNC
    assert AuditEvent.objects.filter(verb="allocations.slurm.apply").count() == 1
    assert sync.make_plan(cluster.adapter()).changes == []


def test_drift_made_by_hand_is_found_and_repaired(allocation: Allocation) -> None:
    activate(allocation)
    sync.apply()
    fake = cluster.adapter()
    assert isinstance(fake, FakeSlurm)
    account = fake.read_state().accounts["p2026a-001"]
    fake.state.accounts["p2026a-001"] = Account(**{**vars(account), "grp_tres_mins": ()})
    fake._save()
    pending = sync.make_plan(cluster.adapter())
    assert [c.describe().split("  ")[0] for c in pending.changes] == ["~ account p2026a-001"]
    sync.record_sync_state(pending)
    allocation.refresh_from_db()
    assert allocation.sync_status == SyncStatus.DRIFT
    assert "grp_tres_mins" in allocation.sync_message
    sync.apply()
    assert sync.make_plan(cluster.adapter()).changes == []


def test_an_allocation_on_a_chip_the_cluster_lacks_is_marked_as_an_error(
    new_allocation: Callable[..., NewAllocation],
) -> None:
    from aisc.web.catalogue.models import Node

    allocation = actions.do_create_allocation(new_allocation(chip="br104"), acting_user=None)
    activate(allocation)
    Node.objects.filter(node_type__chip_id="br104").delete()  # the cluster loses its br104s
    _, remaining = sync.apply()
    allocation.refresh_from_db()
    assert allocation.sync_status == SyncStatus.ERROR
    assert "the cluster has no br104 GPUs" in allocation.sync_message
    assert remaining.plan.problems


def test_the_outbox_carries_a_change_to_slurm(allocation: Allocation) -> None:
    activate(allocation)
    sent, failed = drain()
    assert (sent, failed) == (2, 0)
    assert "p2026a-001" in cluster.adapter().read_state().accounts


def test_the_worker_task_advances_the_calendar_and_reconciles(allocation: Allocation) -> None:
    task = next(t for t in worker_tasks.registered() if t.name == "slurm.reconcile")
    assert task.every == dt.timedelta(minutes=10)
    detail = sync.periodic_reconcile()
    assert "Slurm changes applied, 0 remaining" in detail


def test_dedicated_nodes_become_a_reservation_from_start_to_the_end_of_the_last_day(
    new_allocation: Callable[..., NewAllocation],
) -> None:
    allocation = actions.do_create_allocation(
        new_allocation(dedicated_nodes=["h800-02"], tranches=[(1, Decimal(10), True)]),
        acting_user=None,
    )
    activate(allocation)
    sync.apply()
    res = cluster.adapter().read_state().reservations["aisc-p2026a-001"]
    assert res.nodes == ("h800-02",)
    # 1 Dec 00:00 and 1 Mar 00:00 in Hong Kong
    assert res.start == dt.datetime(2026, 11, 30, 16, tzinfo=dt.UTC)
    assert res.end == dt.datetime(2027, 2, 28, 16, tzinfo=dt.UTC)
