"""/healthz (the process answers) and /readyz (what it depends on answers), as JSON.

/readyz: one entry per check, {"status": "ok" | "warn" | "fail", "detail": ...}; 503 when any
check fails. Dead letters warn (an operator must look, the portal still works); a silent worker
or an outbox falling behind fail, since mail and Slurm changes stop with them.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from aisc.web.ops import probes

# The worker beats every pass (5 s by default) and between messages; two minutes of silence
# means it is gone or stuck. A due message may wait a few passes behind a slow one.
HEARTBEAT_MAX_AGE_SECONDS = 120.0
OUTBOX_MAX_LAG_SECONDS = 300.0


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: this process serves requests. Touches nothing else."""
    return JsonResponse({"status": "ok"})


def worker_checks() -> list[probes.Probe]:
    from aisc.web.outbox import health

    now = timezone.now()
    age = health.worker_heartbeat_age(now)
    if age is None:
        beat = probes.Probe("worker", False, "no aisc worker is running")
    elif age > HEARTBEAT_MAX_AGE_SECONDS:
        beat = probes.Probe("worker", False, f"last heartbeat {age:.0f} s ago")
    else:
        beat = probes.Probe("worker", True, f"last heartbeat {age:.0f} s ago")
    lag = health.outbox_lag(now)
    outbox = probes.Probe(
        "outbox",
        lag <= OUTBOX_MAX_LAG_SECONDS,
        f"{health.outbox_depth()} waiting, the oldest due {lag:.0f} s ago",
    )
    dead = health.dead_letter_count()
    dead_letters = probes.Probe(
        "dead_letters",
        True,
        f"{dead} dead letters" + (": retry or discard them on the Outbox page" if dead else ""),
        warn=dead > 0,
    )
    return [beat, outbox, dead_letters]


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks = [probes.database()]
    if checks[0].ok:
        checks.append(probes.migrations())
        if checks[-1].ok:
            checks.extend(worker_checks())
    slurm = probes.slurm()
    if slurm is not None:
        checks.append(slurm)
    body = {check.name: check.as_json() for check in checks}
    ready = all(c.ok for c in checks)
    return JsonResponse(
        {"status": "ok" if ready else "fail", "checks": body}, status=200 if ready else 503
    )
