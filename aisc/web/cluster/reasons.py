"""Why a job waits, in the reader's words: the reasons the embedded cluster gives, as `squeue`
writes them (https://slurm.schedmd.com/job_reason_codes.html). The page shows Slurm's code
beside the words, for operators who search Slurm's documentation by it; a reason this table does
not know shows as Slurm wrote it."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

REASONS: dict[str, Promise] = {
    "Resources": pgettext_lazy("Slurm pending reason", "Waiting for free GPUs"),
    "Priority": pgettext_lazy("Slurm pending reason", "Jobs of higher priority go first"),
    "Dependency": pgettext_lazy("Slurm pending reason", "Waiting for another job to end"),
    "AssocGrpJobsLimit": pgettext_lazy("Slurm pending reason", "The allocation is not active now"),
    "AssocGrpGRESMinutes": pgettext_lazy(
        "Slurm pending reason", "The allocation's GPU-hours are used up"
    ),
    "ReqNodeNotAvail": pgettext_lazy(
        "Slurm pending reason", "The nodes it needs are down, drained or reserved"
    ),
}


def label(reason: str) -> str:
    words = REASONS.get(reason)
    return reason if words is None else str(words)
