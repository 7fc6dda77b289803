"""One advance of the embedded cluster at a time, across threads and processes.

Two advances in one long write transaction would make the second wait for the whole replay and,
on SQLite, give up after the connection's 30 s timeout ("database is locked"). So an advance
first claims a lease on the clock row with one short UPDATE (atomic on SQLite and
on PostgreSQL, where the row lock makes the loser re-check the condition and find it taken), runs
its replay without holding the database's write lock, writes back in a short transaction, and
gives the lease back. A second advance polls until the lease is free. A lease ends by itself
after LEASE, so a process that died holding one stops no one for longer than that; an advance
that was only slow, and lost its lease to another meanwhile, finds so in its write-back
transaction (`confirm`) and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import OperationalError
from django.db.models import Q
from django.utils import timezone

from aisc.core.errors import RuleViolation
from aisc.web.cluster.models import ClusterClock

# Far longer than an advance takes (a full replay of the demo: about 0.5 s of CPU).
LEASE = dt.timedelta(minutes=15)
WAIT = dt.timedelta(minutes=5)  # how long a second advance waits before it says why it gave up
POLL_S = 0.05


def claim(pk: int, token: str) -> bool:
    """Take the lease if it is free or has run out; True when this token now holds it."""
    now = timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    try:
        taken = ClusterClock.objects.filter(free, pk=pk).update(
            lease_token=token, lease_until=now + LEASE
        )
    except OperationalError as exc:
        if "locked" not in str(exc):
            raise
        return False  # SQLite: some writer outlasted the busy timeout; ask again
    return taken == 1


def confirm(pk: int, token: str) -> None:
    """Inside the write-back's transaction: refuse when this token no longer holds the lease.

    An advance that outlasted LEASE may have lost it to another, which then ran from the same
    rows; writing both back would start or end jobs twice. The row lock (PostgreSQL; SQLite's
    IMMEDIATE transaction already holds the write lock) keeps a claim out until the commit."""
    held = ClusterClock.objects.select_for_update().filter(pk=pk, lease_token=token).exists()
    if not held:
        raise RuleViolation(
            f"cluster: this advance took longer than its lease ({LEASE}), its lease ran out and "
            "another advance holds the embedded cluster now; nothing was written, the other "
            "advance carries the cluster on",
            field="cluster",
        )


def release(pk: int, token: str) -> None:
    """Give the lease back, unless it ran out and another advance holds it now."""
    ClusterClock.objects.filter(pk=pk, lease_token=token).update(lease_token="", lease_until=None)


@contextmanager
def holding(pk: int, *, wait: dt.timedelta = WAIT) -> Iterator[str]:
    """Hold the advance lease of clock `pk` for the block (its token); waits while another
    advance holds it, and after `wait` refuses, naming who held it until when."""
    token = secrets.token_hex(16)
    give_up = time.monotonic() + wait.total_seconds()
    while not claim(pk, token):
        if time.monotonic() >= give_up:
            until = ClusterClock.objects.filter(pk=pk).values_list("lease_until", flat=True)
            raise RuleViolation(
                f"cluster: another advance holds the embedded cluster (its lease runs until "
                f"{until.first()}); waited {wait.total_seconds():.0f} s, try again later",
                field="cluster",
            )
        time.sleep(POLL_S)  # the holder writes back and releases in well under a second
    try:
        yield token
    finally:
        release(pk, token)
