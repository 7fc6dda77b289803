"""The time from submission to decision, per call, from the stored decisions (the first decision
that is not a deferral; a deferred application waits until it is decided)."""

from __future__ import annotations

from aisc.core.grants.decision_times import DecisionTimes, summarise
from aisc.web.grants.models import Call, Decision


def for_call(call: Call) -> DecisionTimes | None:
    rows = (
        Decision.objects.filter(application__call=call, application__submitted_at__isnull=False)
        .exclude(outcome="defer")
        .order_by("application_id", "decided_at")
        .values_list("application_id", "application__submitted_at", "decided_at")
    )
    seen: set[int] = set()
    waits = []
    for application_id, submitted, decided in rows:
        if application_id in seen or submitted is None:
            continue
        seen.add(application_id)
        waits.append(decided - submitted)
    return summarise(waits)
