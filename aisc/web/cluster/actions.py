"""Mutations of the embedded cluster: a job submitted by an operator (or the CLI)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from aisc.web.audit.record import record
from aisc.web.cluster import service, verbs
from aisc.web.cluster.job_fields import FIELDS
from aisc.web.cluster.models import EmbeddedJob

if TYPE_CHECKING:
    from aisc.web.accounts.models import User


@transaction.atomic
def do_submit_job(
    *,
    account: str,
    user: str,
    gpus: int,
    work_s: int,
    time_limit_s: int,
    chip: str,
    acting_user: User | None,
) -> EmbeddedJob:
    """Queue a job as sbatch would; it is scheduled from the next advance (the worker's)."""
    job = service.submit(
        account=account,
        user=user,
        gpus=gpus,
        work_s=work_s,
        time_limit_s=time_limit_s,
        chip=chip,
    )
    record(acting_user, verbs.JOB_SUBMIT, job, after={f.name: getattr(job, f.name) for f in FIELDS})
    return job
