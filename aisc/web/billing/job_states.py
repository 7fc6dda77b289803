"""A Slurm job's state as people read it, in their language (the grantee's usage page).

sacct writes the state in capitals, a cancelled job with who cancelled it (`CANCELLED by
1234`); the states are those of the sacct manual
(https://slurm.schedmd.com/sacct.html#SECTION_JOB-STATE-CODES). A state this table does not
know is shown as Slurm wrote it, rather than hidden. The labels carry a context: a job's
"Failed" and a node's read differently in Chinese, and Django has one catalogue for all apps.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

STATES: dict[str, Promise] = {
    "BOOT_FAIL": pgettext_lazy("Slurm job state", "Failed to boot"),
    "CANCELLED": pgettext_lazy("Slurm job state", "Cancelled"),
    "COMPLETED": pgettext_lazy("Slurm job state", "Completed"),
    "COMPLETING": pgettext_lazy("Slurm job state", "Completing"),
    "DEADLINE": pgettext_lazy("Slurm job state", "Past its deadline"),
    "FAILED": pgettext_lazy("Slurm job state", "Failed"),
    "NODE_FAIL": pgettext_lazy("Slurm job state", "Node failed"),
    "OUT_OF_MEMORY": pgettext_lazy("Slurm job state", "Out of memory"),
    "PENDING": pgettext_lazy("Slurm job state", "Waiting"),
    "PREEMPTED": pgettext_lazy("Slurm job state", "Preempted"),
    "REQUEUED": pgettext_lazy("Slurm job state", "Requeued"),
    "RESIZING": pgettext_lazy("Slurm job state", "Resizing"),
    "REVOKED": pgettext_lazy("Slurm job state", "Revoked"),
    "RUNNING": pgettext_lazy("Slurm job state", "Running"),
    "SUSPENDED": pgettext_lazy("Slurm job state", "Suspended"),
    "TIMEOUT": pgettext_lazy("Slurm job state", "Ran out of time"),
}


def label(state: str) -> str:
    words = state.split()
    known = STATES.get(words[0].upper()) if words else None
    return state if known is None else str(known)
