"""`sacct`: job records exported from Slurm with `sacct --parsable2` (`|`-separated).

Without a header line the fields are those our Slurm adapter asks for
(`aisc.adapters.slurm.usage.FIELDS`, copied here because core may not import adapters; a test
keeps the two equal). A header line (`JobID|...`) may name the fields in any order; `Timelimit`,
`ReqTRES` and `QOS` are read when present.

What a job becomes: arrival = Submit (time 0 = the first submission), run time = Elapsed (what it
really ran, so work on the reference chip), GPUs and chip from `gres/gpu:TYPE=N` in AllocTRES (or
ReqTRES when nothing was allocated), project = Account, time limit = Timelimit.

Lines that are valid but not replayable jobs are skipped and counted even under `--strict`: job
steps (`123.batch`), jobs that never started, jobs still running, jobs without GPUs. Malformed
lines are skipped and counted too, or stop the load under `--strict`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable

from aisc.core.errors import RuleViolation
from aisc.core.simulation.traces.base import SkippedLine, Trace, TraceBuilder

ADAPTER_FIELDS: tuple[str, ...] = (
    "JobID",
    "Cluster",
    "Account",
    "User",
    "Partition",
    "State",
    "Submit",
    "Start",
    "Elapsed",
    "AllocTRES",
)
REQUIRED = ("JobID", "Submit", "Start", "Elapsed")
_DURATION = re.compile(r"^(?:(\d+)-)?(?:(\d+):)?(\d{1,2}):(\d{2})(?:\.\d+)?$")
_STEP = re.compile(r"^\d+(?:_\d+|\+\d+)?\.[\w-]+$")
_NO_TIME = {"", "Unknown", "None", "N/A"}
_UNLIMITED = {"UNLIMITED", "Partition_Limit", "INFINITE"}
_UNFINISHED = ("PENDING", "RUNNING", "REQUEUED", "RESIZING", "SUSPENDED")


class Malformed(ValueError):
    """A line that breaks a rule of the format (skipped, or fatal under --strict)."""


class NotReplayable(ValueError):
    """A well-formed line that is not a job the simulator can replay (always just skipped)."""


def load(lines: Iterable[str], source: str, *, strict: bool = False) -> Trace:
    builder = TraceBuilder(source, strict=strict)
    header = ADAPTER_FIELDS
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        cells = line.split("|")
        if "JobID" in cells:
            header = _header(cells, source, number)
            continue
        try:
            _add(builder, number, _row(cells, header))
        except NotReplayable as exc:
            builder.skipped.append(SkippedLine(number, str(exc)))
        except Malformed as exc:
            builder.skip(number, str(exc))
    trace = builder.build()
    trace.submit -= trace.submit[0]
    return trace


def _header(cells: list[str], source: str, number: int) -> tuple[str, ...]:
    names = tuple(cell.strip() for cell in cells)
    missing = [name for name in REQUIRED if name not in names]
    if "AllocTRES" not in names and "ReqTRES" not in names:
        missing.append("AllocTRES or ReqTRES")
    if missing:
        raise RuleViolation(
            "%(source)s: line %(number)s: the header lacks %(missing)s",
            field="trace",
            params={"source": source, "number": number, "missing": ", ".join(missing)},
        )
    return names


def _row(cells: list[str], header: tuple[str, ...]) -> dict[str, str]:
    if len(cells) != len(header):
        raise Malformed(f"{len(cells)} fields, expected {len(header)} ({'|'.join(header)})")
    return {name: cell.strip() for name, cell in zip(header, cells, strict=True)}


def _add(builder: TraceBuilder, number: int, row: dict[str, str]) -> None:
    job_id = row["JobID"]
    if _STEP.match(job_id):
        raise NotReplayable(f"job step {job_id}: steps belong to their job, which is replayed")
    state = row.get("State", "")
    if state.startswith(_UNFINISHED):
        raise NotReplayable(f"job {job_id} is {state}: its run time is not known yet")
    submit = _time(row["Submit"], "Submit")
    if submit is None:
        raise Malformed("Submit: every job has a submit time")
    if _time(row["Start"], "Start") is None:
        raise NotReplayable(f"job {job_id} never started (Start={row['Start'] or 'empty'})")
    elapsed = duration(row["Elapsed"], "Elapsed")
    chip, gpus = gpus_of(row.get("AllocTRES", "") or row.get("ReqTRES", ""))
    if gpus == 0:
        raise NotReplayable(f"job {job_id} has no GPUs (no gres/gpu in its TRES)")
    limit = time_limit(row.get("Timelimit", ""))
    # Parsing already guarantees what check_row asks: >= 1 GPU, a finite run time >= 0, and a
    # submit time that load() shifts so the first job arrives at 0.
    builder.add(
        number,
        submit,
        gpus,
        elapsed,
        time_limit=limit,
        project=row.get("Account") or "default",
        user=row.get("User") or "user",
        qos=row.get("QOS") or "normal",
        chip=chip,
    )


def _time(text: str, name: str) -> float | None:
    """Seconds since the epoch; sacct prints local time without an offset, read here as UTC
    (only differences between jobs matter, so the zone cancels out)."""
    if text in _NO_TIME:
        return None
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise Malformed(f"{name}: {text!r} is not a time like 2026-03-01T09:30:00") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.timestamp()


def duration(text: str, name: str) -> float:
    """'[D-][HH:]MM:SS[.fff]' (sacct's Elapsed and Timelimit) to seconds."""
    match = _DURATION.match(text)
    if not match:
        raise Malformed(f"{name}: {text!r} is not a duration like [D-]HH:MM:SS")
    days, hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    return float(((days * 24 + hours) * 60 + minutes) * 60 + seconds)


def time_limit(text: str) -> float:
    """Timelimit in seconds; absent or unlimited is no limit (inf)."""
    if text in _UNLIMITED or not text:
        return math.inf
    limit = duration(text, "Timelimit")
    if limit <= 0:
        raise Malformed(f"Timelimit: {text!r} must be longer than zero")
    return limit


def gpus_of(tres: str) -> tuple[str | None, int]:
    """(chip, GPUs) from 'cpu=2,gres/gpu=2,gres/gpu:h800=2'; chip None when untyped."""
    typed: dict[str, int] = {}
    untyped = 0
    for part in filter(None, (p.strip() for p in tres.split(","))):
        name, sep, count = part.partition("=")
        if not sep or (name.startswith("gres/gpu") and not count.isdigit()):
            raise Malformed(f"TRES: {part!r} is not NAME=COUNT")
        if name == "gres/gpu":
            untyped = int(count)
        elif name.startswith("gres/gpu:") and int(count) > 0:
            typed[name[len("gres/gpu:") :].lower()] = int(count)
    if len(typed) > 1:
        chips = ", ".join(sorted(typed))
        raise Malformed(f"TRES: GPUs of several chips ({chips}); a gang never spans chip types")
    if typed:
        ((chip, gpus),) = typed.items()
        return chip, max(gpus, untyped)
    return None, untyped
