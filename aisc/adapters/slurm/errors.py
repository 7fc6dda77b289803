"""What can go wrong talking to Slurm, as typed errors the edges can print."""

from __future__ import annotations

from aisc.core.errors import AiscError


class SlurmUnreachable(AiscError):
    """Slurm did not answer, even after retries with backoff. Nothing was changed by the
    failed command; `aisc slurm plan` shows what remains."""

    code = "slurm_unreachable"


class SlurmCommandFailed(AiscError):
    """Slurm answered and refused the command (bad name, missing parent, active jobs, ...)."""

    code = "slurm_command_failed"
