"""A trace as numpy columns, built row by row by the loaders, sorted by submit time.

Categorical columns (project, user, QOS, chip, speed profile) are stored as integer codes into a
list of names, so a million-job trace stays a few arrays. A malformed line is skipped and
counted with its line number and the rule it broke, or, in strict mode, stops the load.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from aisc.core.errors import RuleViolation
from aisc.core.scheduling.model import Job, lower_keys


@dataclass(frozen=True)
class SkippedLine:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class _Codes:
    """Names to small integer codes, in order of first appearance."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self._index: dict[str, int] = {}

    def code(self, name: str) -> int:
        found = self._index.get(name)
        if found is None:
            found = self._index[name] = len(self.names)
            self.names.append(name)
        return found


@dataclass
class Trace:
    submit: np.ndarray
    gpus: np.ndarray
    work: np.ndarray
    time_limit: np.ndarray
    project: np.ndarray
    user: np.ndarray
    qos: np.ndarray
    chip: np.ndarray  # -1: any chip
    speed: np.ndarray  # -1: the reference speed on every chip
    line: np.ndarray  # where each job was in the file, for messages
    projects: list[str]
    users: list[str]
    qos_names: list[str]
    chips: list[str]
    speed_profiles: list[dict[str, float]]
    skipped: list[SkippedLine] = field(default_factory=list)
    source: str = ""

    def __len__(self) -> int:
        return len(self.submit)

    def as_lists(self) -> TraceColumns:
        return TraceColumns(self)

    def offered_gpu_seconds(self) -> float:
        return float(np.dot(self.gpus.astype(np.float64), self.work))


class TraceColumns:
    """The trace as Python lists, which the engine reads one job at a time far faster."""

    def __init__(self, trace: Trace) -> None:
        self.submit: list[float] = trace.submit.tolist()
        self._gpus: list[int] = trace.gpus.tolist()
        self._work: list[float] = trace.work.tolist()
        self._limit: list[float] = trace.time_limit.tolist()
        self._project: list[int] = trace.project.tolist()
        self._user: list[int] = trace.user.tolist()
        self._qos: list[int] = trace.qos.tolist()
        self._chip: list[int] = trace.chip.tolist()
        self._speed: list[int] = trace.speed.tolist()
        self._trace = trace

    def job(self, i: int) -> Job:
        t = self._trace
        chip, speed = self._chip[i], self._speed[i]
        return Job(
            i,
            self.submit[i],
            self._gpus[i],
            self._work[i],
            time_limit=self._limit[i],
            project=t.projects[self._project[i]],
            user=t.users[self._user[i]],
            qos=t.qos_names[self._qos[i]],
            chip=None if chip < 0 else t.chips[chip],
            speeds=None if speed < 0 else t.speed_profiles[speed],
        )


class TraceBuilder:
    """Collects rows (checked by the loader) and builds the sorted columns."""

    def __init__(self, source: str, *, strict: bool = False) -> None:
        self.source = source
        self.strict = strict
        self.rows: list[tuple[float, int, float, float, int, int, int, int, int, int]] = []
        self.skipped: list[SkippedLine] = []
        self._projects, self._users, self._qos, self._chips = _Codes(), _Codes(), _Codes(), _Codes()
        self._profiles: list[dict[str, float]] = []
        self._profile_index: dict[tuple[tuple[str, float], ...], int] = {}

    def skip(self, line: int, reason: str) -> None:
        if self.strict:
            raise RuleViolation(
                "%(source)s: line %(line)s: %(reason)s",
                field="trace",
                params={"source": self.source, "line": line, "reason": reason},
            )
        self.skipped.append(SkippedLine(line, reason))

    def add(
        self,
        line: int,
        submit: float,
        gpus: int,
        work: float,
        *,
        time_limit: float = math.inf,
        project: str = "default",
        user: str = "user",
        qos: str = "normal",
        chip: str | None = None,
        speeds: dict[str, float] | None = None,
    ) -> None:
        self.rows.append(
            (
                submit,
                gpus,
                work,
                time_limit,
                self._projects.code(project),
                self._users.code(user),
                self._qos.code(qos),
                -1 if chip is None else self._chips.code(chip.lower()),
                -1 if speeds is None else self._profile(speeds),
                line,
            )
        )

    def _profile(self, speeds: dict[str, float]) -> int:
        speeds = lower_keys(speeds)
        key = tuple(sorted(speeds.items()))
        found = self._profile_index.get(key)
        if found is None:
            found = self._profile_index[key] = len(self._profiles)
            self._profiles.append(dict(speeds))
        return found

    def build(self) -> Trace:
        if not self.rows:
            raise RuleViolation(
                "%(source)s: no valid job lines (%(skipped)s skipped)",
                field="trace",
                params={"source": self.source, "skipped": len(self.skipped)},
            )
        table = np.array(self.rows, dtype=np.float64)
        order = np.argsort(table[:, 0], kind="stable")
        table = table[order]

        def ints(col: int, dtype: type = np.int32) -> np.ndarray:
            return table[:, col].astype(dtype)

        return Trace(
            submit=table[:, 0].copy(),
            gpus=ints(1, np.int64),
            work=table[:, 2].copy(),
            time_limit=table[:, 3].copy(),
            project=ints(4),
            user=ints(5),
            qos=ints(6),
            chip=ints(7),
            speed=ints(8),
            line=ints(9, np.int64),
            projects=self._projects.names or ["default"],
            users=self._users.names,
            qos_names=self._qos.names,
            chips=self._chips.names,
            speed_profiles=self._profiles,
            skipped=self.skipped,
            source=self.source,
        )


# No cluster has a million GPUs; a larger count is a corrupt line (and overflows the engine's
# per-size buckets), not a job.
MAX_JOB_GPUS = 1_000_000


def check_row(builder: TraceBuilder, line: int, submit: float, gpus: int, work: float) -> bool:
    """The rules every format shares; False (and the line skipped) when one is broken."""
    if not (math.isfinite(submit) and submit >= 0):
        builder.skip(line, f"submit time {submit} must be a finite number >= 0")
    elif gpus < 1:
        builder.skip(line, f"gpus {gpus} must be at least 1")
    elif gpus > MAX_JOB_GPUS:
        builder.skip(line, f"gpus {gpus} must be at most {MAX_JOB_GPUS:,}")
    elif not (math.isfinite(work) and work >= 0):
        builder.skip(line, f"duration {work} must be a finite number >= 0")
    else:
        return True
    return False
