"""What a running aisc depends on, each asked once and answered as a Probe: the readiness
endpoint (/readyz) and `aisc check --deploy` share these."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

# A readiness probe runs every few seconds: Slurm gets one try with a short timeout, where the
# worker's commands retry with backoff.
SLURM_PROBE_SECONDS = 5.0


@dataclass(frozen=True)
class Probe:
    name: str
    ok: bool
    detail: str = ""
    warn: bool = False  # works, but an operator should look

    def as_json(self) -> dict[str, object]:
        status = "fail" if not self.ok else "warn" if self.warn else "ok"
        return {"status": status, "detail": self.detail}


def database() -> Probe:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return Probe("database", False, f"cannot query the database: {first}")
    return Probe("database", True, connection.vendor)


def migrations() -> Probe:
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return Probe("migrations", False, f"cannot read the migration state: {first}")
    if pending:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in pending[:3])
        more = f" and {len(pending) - 3} more" if len(pending) > 3 else ""
        return Probe(
            "migrations", False, f"{len(pending)} not applied ({names}{more}): run aisc migrate"
        )
    return Probe("migrations", True, "all applied")


def slurm() -> Probe | None:
    """None when aisc runs its embedded cluster: there is no Slurm to reach."""
    if settings.AISC_CLUSTER != "slurm":
        return None
    from aisc.adapters.slurm.errors import SlurmCommandFailed, SlurmUnreachable
    from aisc.adapters.slurm.runner import Runner

    runner = Runner(attempts=1, timeout=SLURM_PROBE_SECONDS)
    try:
        runner.run(["sinfo", "-h", "-o", "%P"])  # slurmctld
        runner.run(["sacctmgr", "-n", "-P", "show", "cluster", "format=cluster"])  # slurmdbd
    except (SlurmUnreachable, SlurmCommandFailed) as exc:
        return Probe("slurm", False, exc.message)
    return Probe("slurm", True, "slurmctld and slurmdbd answer")
