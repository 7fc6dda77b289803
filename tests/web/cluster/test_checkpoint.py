"""An advance carries on from the last one's checkpoint, and ends exactly where a replay from
the epoch ends; a checkpoint that no longer holds is left unused."""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Callable

import numpy as np
import pytest

from aisc.web.allocations.actions import do_transition
from aisc.web.allocations.models import Allocation
from aisc.web.catalogue.models import Node
from aisc.web.cluster import checkpoint, service
from aisc.web.cluster.models import ClusterCheckpoint, ClusterClock, EmbeddedJob
from tests.web.cluster.conftest import EPOCH, HOUR

pytestmark = pytest.mark.django_db

Job = Callable[..., EmbeddedJob]
MakeAllocation = Callable[..., Allocation]
STEPS = [EPOCH + n * 3 * HOUR + dt.timedelta(minutes=7 * n) for n in range(1, 31)]
LATE = STEPS[19] - HOUR  # before the clock of the advance before step 20
ROW = ("account", "gpus", "submit_at", "state", "reason", "partition", "start_at", "end_at")


def seeded_workload(job: Job, seed: int = 11, count: int = 90) -> None:
    """Jobs of two projects over the first four days, gangs of 1 to 16 GPUs, about one in
    three cut by its limit, one in seven on a chip neither project has hours of."""
    rng = np.random.default_rng(seed)
    for n in range(count):
        hours = float(rng.lognormal(np.log(3), 0.8))
        job(
            ("com-a", "com-b")[n % 2],
            user=("alice", "bob")[n % 2],
            gpus=int(rng.choice([1, 2, 4, 8, 16])),
            hours=hours,
            limit_hours=hours * float(rng.choice([0.7, 1.3, 1.6, 2.0, 1.2, 1.5])),
            chip="br104" if rng.random() < 0.15 else "h800",
            at=EPOCH + dt.timedelta(seconds=int(rng.uniform(0, 4 * 86400))),
        )


def rows() -> list[tuple[object, ...]]:
    return list(EmbeddedJob.objects.order_by("submit_at", "id").values_list(*ROW))


def forget_every_advance() -> None:
    EmbeddedJob.objects.update(
        state="", reason="", partition="", dedicated=False, start_at=None, end_at=None
    )
    ClusterCheckpoint.objects.all().delete()
    ClusterClock.objects.update(advanced_to=EPOCH, stops={})


def run_the_month(job: Job, allocation: Allocation, *, resume: bool) -> list[bool]:
    """Advance through STEPS; suspend com-b at step 8, resume it at step 12, and at step 20
    store a job submitted an hour before the last advance's clock (as a slow submit would).
    Which advances carried on from a checkpoint."""
    resumed = []
    for n, now in enumerate(STEPS):
        if n == 8:
            do_transition(allocation, "suspend", acting_user=None)
        if n == 12:
            do_transition(allocation, "resume", acting_user=None)
        if n == 20:
            job("com-a", gpus=4, hours=2, limit_hours=3, at=LATE)
        resumed.append(service.advance(now, resume=resume).resumed)
    return resumed


@pytest.fixture
def two_tenants(make_allocation: MakeAllocation) -> Allocation:
    """Both on h800 with budgets that bind before the month ends; none on br104, so the jobs
    that ask for it stay held (AssocGrpGRESMinutes)."""
    make_allocation("com-a", hours=1500)
    return make_allocation("com-b", members=("bob",), hours=700)


def test_advancing_from_checkpoints_gives_every_job_what_replays_from_the_epoch_give(
    job: Job, two_tenants: Allocation
) -> None:
    seeded_workload(job)
    full = run_the_month(job, two_tenants, resume=False)
    expected = rows()
    EmbeddedJob.objects.filter(submit_at=LATE).delete()  # stored again below
    forget_every_advance()
    resumed = run_the_month(job, two_tenants, resume=True)
    assert rows() == expected
    assert not any(full)
    # Replays from the epoch: the first advance, the two that saw the suspension and the resume
    # (the limits changed), and the one that found the late job; every other one carried on.
    assert [n for n, carried_on in enumerate(resumed) if not carried_on] == [0, 8, 12, 20]
    states = {row[3] for row in expected}
    assert {"COMPLETED", "TIMEOUT", "RUNNING", "PENDING"} <= states


def test_an_advance_from_a_checkpoint_handles_only_the_jobs_still_live(
    job: Job, two_tenants: Allocation
) -> None:
    seeded_workload(job)
    for now in STEPS[:10]:
        service.advance(now)
    row = ClusterClock.objects.get()
    run = service.replay(row, row.advanced_to + HOUR)
    live = EmbeddedJob.objects.filter(submit_at__lte=row.advanced_to, end_at__isnull=True)
    stored_since = EmbeddedJob.objects.filter(
        submit_at__gt=row.advanced_to, submit_at__lte=row.advanced_to + HOUR
    )
    ended = set(EmbeddedJob.objects.filter(end_at__isnull=False).values_list("pk", flat=True))
    assert run.resumed
    assert {j.pk for j in run.rows.values()} == {j.pk for j in [*live, *stored_since]}
    assert len(ended) > len(run.rows) / 2  # the ended jobs, none of them replayed, are many
    assert not ended & {j.pk for j in run.rows.values()}


def test_a_changed_layout_or_a_damaged_checkpoint_makes_the_advance_replay_from_the_epoch(
    job: Job, two_tenants: Allocation
) -> None:
    seeded_workload(job, count=30)
    assert not service.advance(STEPS[0]).resumed
    assert service.advance(STEPS[1]).resumed
    Node.objects.filter(name="br104-02").update(state="down")
    assert not service.advance(STEPS[2]).resumed  # the node groups changed
    ClusterCheckpoint.objects.update(state=b"damaged")
    assert not service.advance(STEPS[3]).resumed
    ClusterCheckpoint.objects.update(state=pickle.dumps({"not": "ours"}))  # seal left as it was
    assert not service.advance(STEPS[3]).resumed
    sealed = pickle.dumps({"not": "a cluster"})
    ClusterCheckpoint.objects.update(state=sealed, seal=checkpoint.seal(sealed))
    assert not service.advance(STEPS[3]).resumed
    ClusterCheckpoint.objects.update(at=STEPS[0])  # not where the clock is
    assert not service.advance(STEPS[4]).resumed
    assert service.advance(STEPS[5]).resumed
    expected = rows()
    forget_every_advance()
    service.advance(STEPS[5], resume=False)
    assert rows() == expected


def test_the_key_changes_with_every_input_of_a_replay(two_tenants: Allocation) -> None:
    from aisc.web.cluster import layout

    spec, limits = layout.cluster_spec(), layout.project_limits(EPOCH, {})
    first = checkpoint.key(spec, limits, "backfill", EPOCH)
    assert checkpoint.key(spec, limits, "backfill", EPOCH) == first
    assert checkpoint.key(spec, limits, "fifo", EPOCH) != first
    assert checkpoint.key(spec, limits, "backfill", EPOCH + HOUR) != first
    stopped = layout.project_limits(EPOCH, {"com-b": [[EPOCH.isoformat(), None]]})
    assert checkpoint.key(spec, stopped, "backfill", EPOCH) != first
    Node.objects.filter(name="h800-01").update(state="drain")
    assert checkpoint.key(layout.cluster_spec(), limits, "backfill", EPOCH) != first
