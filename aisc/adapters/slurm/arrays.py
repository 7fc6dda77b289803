"""Job arrays on the centre's own Slurm: one command submitted as N array tasks (`sbatch
--array`), each told its index by Slurm (SLURM_ARRAY_TASK_ID), and waited for with `squeue`.

The tasks run the command as the submitting user, in the directory given, with the submitting
environment (sbatch's default `--export=ALL`), so the directory must be one the cluster's nodes
share with the submitting host.
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from aisc.adapters.slurm.errors import SlurmCommandFailed
from aisc.adapters.slurm.runner import CommandRunner, Runner, wait_until_none

LIVE_STATES = "PENDING,RUNNING,SUSPENDED,COMPLETING,CONFIGURING,REQUEUED,RESIZING"
GONE = "Invalid job id"  # squeue on a job slurmctld has already purged (MinJobAge)


@dataclass(frozen=True)
class ArraySpec:
    """What to run and where: `tasks` copies of `command`, at most `parallel` at once."""

    command: Sequence[str]
    tasks: int
    workdir: Path
    name: str = "aisc-array"
    partition: str = ""
    account: str = ""
    minutes: int = 60  # each task's time limit
    parallel: int = 0  # 0: as many at once as the cluster runs

    def sbatch_argv(self) -> list[str]:
        if self.tasks < 1:
            raise SlurmCommandFailed("a job array needs at least one task")
        array = f"0-{self.tasks - 1}" + (f"%{self.parallel}" if self.parallel else "")
        argv = ["sbatch", "--parsable", f"--array={array}", "-J", self.name]
        argv += ["-D", str(self.workdir), "-o", str(self.workdir / "logs" / "%a.out")]
        argv += ["-n", "1", "-c", "1", "-t", str(self.minutes)]
        argv += ["-p", self.partition] if self.partition else []
        argv += ["-A", self.account] if self.account else []
        return [*argv, "--wrap", shlex.join(self.command)]


class JobArrays:
    def __init__(
        self,
        runner: CommandRunner | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.runner = runner or Runner()
        self.sleep, self.clock = sleep, clock

    def submit(self, spec: ArraySpec) -> str:
        """The array's job id."""
        (spec.workdir / "logs").mkdir(parents=True, exist_ok=True)
        return self.runner.run(spec.sbatch_argv()).strip().split(";")[0]

    def live_tasks(self, job_id: str) -> int:
        """How many of the array's tasks are still queued or running."""
        try:
            out = self.runner.run(
                ["squeue", "-h", "-r", "-j", job_id, "-t", LIVE_STATES, "-o", "%i"]
            )
        except SlurmCommandFailed as exc:
            if GONE in exc.message:
                return 0
            raise
        return len([line for line in out.splitlines() if line.strip()])

    def wait(self, job_id: str, timeout_s: float, poll_s: float = 2.0) -> None:
        """Until no task of the array is left; SlurmCommandFailed after `timeout_s`."""
        wait_until_none(
            lambda: self.live_tasks(job_id),
            timeout_s,
            poll_s,
            f"job array {job_id} still has tasks queued or running after {timeout_s:g} s; "
            "`aisc capacity sweep-gather` collects it later",
            sleep=self.sleep,
            clock=self.clock,
        )

    def cancel(self, job_id: str) -> None:
        self.runner.run(["scancel", job_id])
