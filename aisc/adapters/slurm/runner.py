"""Run Slurm commands as argument lists (never a shell), retrying with backoff while Slurm is
unreachable, and raising a clear error when it stays so or refuses a command."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Sequence
from typing import Protocol

from aisc.adapters.slurm.errors import SlurmCommandFailed, SlurmUnreachable

# What Slurm's clients print when the controller or slurmdbd cannot be reached. Any of these
# means "try again later", not "the command is wrong".
UNREACHABLE_MARKS = (
    "Connection refused",
    "Unable to contact slurm controller",
    "slurm_persist_conn_open",
    "Problem talking to the database",
    "Socket timed out",
    "Zero Bytes were transmitted",
    "Communication connection failure",
    "Unable to establish a connection",
)


class CommandRunner(Protocol):
    """What CliSlurm needs of a runner: Slurm's output for a command line (tests pass fakes)."""

    def run(self, argv: Sequence[str]) -> str: ...


class Runner:
    """`run(argv)` returns stdout. Times are exchanged in UTC (TZ=UTC in the child)."""

    def __init__(
        self,
        *,
        attempts: int = 4,
        first_delay: float = 0.5,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.attempts = attempts
        self.first_delay = first_delay
        self.timeout = timeout
        self.sleep = sleep

    def run(self, argv: Sequence[str]) -> str:
        reason = ""
        for attempt in range(self.attempts):
            if attempt:
                self.sleep(self.first_delay * 2 ** (attempt - 1))
            try:
                done = subprocess.run(
                    list(argv),
                    capture_output=True,
                    text=True,
                    timeout=self.timeout,
                    env={**os.environ, "TZ": "UTC"},
                    check=False,
                )
            except FileNotFoundError as exc:
                raise SlurmUnreachable(
                    f"Slurm is unreachable: {argv[0]} is not installed on this machine "
                    "(AISC_CLUSTER=slurm needs Slurm's client commands on PATH)"
                ) from exc
            except subprocess.TimeoutExpired:
                reason = f"no answer within {self.timeout:g} s"
                continue
            if done.returncode == 0:
                return done.stdout
            message = _message(done.stderr, done.stdout)
            if not any(mark in message for mark in UNREACHABLE_MARKS):
                raise SlurmCommandFailed(f"Slurm refused `{' '.join(argv)}`: {message}")
            reason = message
        raise SlurmUnreachable(
            f"Slurm is unreachable: `{' '.join(argv)}` failed {self.attempts} times "
            f"with backoff: {reason}"
        )


def wait_until_none(
    count: Callable[[], int],
    timeout_s: float,
    poll_s: float,
    failure: str,
    *,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
) -> None:
    """Ask `count()` every `poll_s` until it is 0; SlurmCommandFailed(failure) after
    `timeout_s` (cancelled jobs that linger, an array still running)."""
    deadline = clock() + timeout_s
    while count():
        if clock() > deadline:
            raise SlurmCommandFailed(failure)
        sleep(poll_s)


def _message(stderr: str, stdout: str) -> str:
    lines = [line.strip() for line in (stderr + "\n" + stdout).splitlines() if line.strip()]
    return " / ".join(lines[-3:]) or "no message"
