"""Money leaving the fund: a tranche's release (never before the award's start date: an earlier
release waits, and the worker releases it on that day), and the cancellation of an award."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from aisc.core.errors import RuleViolation
from aisc.core.grants import tranches
from aisc.core.grants.workflow import AWARD_TRANSITIONS, AwardStatus
from aisc.web.accounts.models import User
from aisc.web.accounts.time_zone import centre_today
from aisc.web.audit.record import record
from aisc.web.grants import events, verbs
from aisc.web.grants.actions.lifecycle import move_and_record
from aisc.web.grants.models import Award, AwardTranche

RELEASE_TASK = "grants.release_due_tranches"
RELEASE_EVERY_SECONDS = 3600
LIVE = (AwardStatus.APPROVED, AwardStatus.ACTIVE)


def release_tranche(acting_user: User | None, tranche: AwardTranche, at: dt.datetime) -> None:
    """Release now, or, before the award's start date, set the day the release waits for."""
    wait = tranches.waits_until(tranche.award.start_date, centre_today(at))
    if wait is not None:
        tranche.release_on = wait
        tranche.save(update_fields=["release_on"])
        record(
            acting_user,
            verbs.TRANCHE_SCHEDULE,
            tranche,
            after={"seq": tranche.seq, "gpu_hours": tranche.gpu_hours, "release_on": wait},
        )
        return
    _release(acting_user, tranche, at)


def _release(acting_user: User | None, tranche: AwardTranche, at: dt.datetime) -> None:
    tranche.released_at = at
    tranche.save(update_fields=["released_at"])
    record(
        acting_user,
        verbs.TRANCHE_RELEASE,
        tranche,
        after={"seq": tranche.seq, "gpu_hours": tranche.gpu_hours},
    )
    events.tranche_released.publish(events.TrancheReleased(tranche, acting_user))


def next_unreleased(award: Award) -> AwardTranche | None:
    """The next tranche neither released nor already waiting for the start date."""
    waiting = award.tranches.filter(released_at__isnull=True, release_on__isnull=True)
    return waiting.order_by("seq").first()


@transaction.atomic
def do_release_due_tranches(today: dt.date | None = None) -> list[str]:
    """The worker's task: release each waiting tranche whose day has come, of an award still
    live (a cancelled award's waiting tranches are never released). Returns "code #seq" lines."""
    today = today or centre_today()
    due = (
        AwardTranche.objects.select_for_update()
        .filter(released_at__isnull=True, release_on__lte=today, award__status__in=LIVE)
        .select_related("award")
        .order_by("award_id", "seq")
    )
    done = []
    for tranche in due:
        _release(None, tranche, timezone.now())
        done.append(f"{tranche.award.project_code} #{tranche.seq}")
    return done


def cancel(acting_user: User | None, award: Award, reason: str) -> None:
    """Within an action: the award is cancelled; allocations closes its allocation."""
    move_and_record(
        acting_user,
        award,
        AWARD_TRANSITIONS,
        AwardStatus.CANCELLED,
        verbs.AWARD_CANCEL,
        what="the award",
        audit={"reason": reason},
    )
    events.award_cancelled.publish(events.AwardCancelled(award, acting_user))


@transaction.atomic
def do_cancel_award(*, acting_user: User, award: Award, reason: str) -> Award:
    reason = reason.strip()
    if not reason:
        raise RuleViolation("a cancellation must give its reason", field="reason")
    cancel(acting_user, award, reason)
    return award
