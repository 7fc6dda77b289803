"""Job-level usage from `sacct --parsable2` (or a CSV export of the same fields).

Jobs, not steps: the arguments ask for allocations only (`-X`) and the parser skips any step line
(`123.batch`, `123.0`) it still meets. GPUs come from typed TRES, `gres/gpu:h800=2` (Slurm 22.05
prints both `gres/gpu=2` and `gres/gpu:h800=2`; see docs/slurm-test-cluster.md §8). A malformed line
never stops the rest: it goes to the rejects report with its line number and the rule it broke.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gc
import io
import itertools
import re
import zoneinfo
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from aisc.adapters.slurm.sacct_fast import MAX_ELAPSED_SECONDS, FastLines, elapsed_seconds
from aisc.core.errors import AiscError, RuleViolation
from aisc.core.metering.records import FINAL_STATES, UsageRecord, normal_state
from aisc.core.simulation.traces.sacct import ADAPTER_FIELDS
from aisc.core.text import NUL

# One list of the job fields we ask sacct for, kept in core so the simulator's `sacct` trace
# format reads exactly what this adapter writes.
FIELDS: tuple[str, ...] = ADAPTER_FIELDS
# What sacct_args asks for: FIELDS and End, so that a job recorded in a final state before its
# end time (slurmctld's late batch, docs/slurm.md) is refused until it has one. Text without
# End (saved files, the simulator's traces, the embedded cluster's) is read as before.
ASKED: tuple[str, ...] = (*FIELDS, "End")
CSV_FIELDS: dict[str, str] = {
    "job_id": "JobID",
    "cluster": "Cluster",
    "account": "Account",
    "user": "User",
    "partition": "Partition",
    "state": "State",
    "submit": "Submit",
    "start": "Start",
    "elapsed": "Elapsed",
    "alloc_tres": "AllocTRES",
    "end": "End",  # optional, as in sacct text
}
_ELAPSED = re.compile(r"^(?:(\d+)-)?(?:(\d+):)?(\d{1,2}):(\d{2})(?:\.\d+)?$")
_JOB_ID = re.compile(r"^\d+(?:_\d+|_\[[^\]]*\]|\+\d+)?$")
_STEP = re.compile(r"^\d+(?:_\d+|\+\d+)?\.[\w-]+$")
_NO_TIME = {"", "Unknown", "None", "N/A"}
# No field of sacct or its CSV holds a NUL byte (aisc.core.text's rule), so a line with one is
# rejected (and stored with the byte written out as \x00).
NUL_REFUSED = "line: holds a NUL byte, which no sacct field contains"
# More GPUs than any cluster has: a corrupt line, refused before it reaches the arithmetic.
MAX_JOB_GPUS = 1_000_000


def sacct_args(since: dt.datetime, until: dt.datetime, tz: zoneinfo.ZoneInfo) -> list[str]:
    """Arguments for the adapter's raw `sacct(args)` runner: every user's jobs in the window."""
    if until <= since:
        raise RuleViolation("--until: must be later than --since", field="until")
    fmt = "%Y-%m-%dT%H:%M:%S"
    return [
        "--allusers",
        "--allocations",
        "--duplicates",
        "--parsable2",
        f"--starttime={since.astimezone(tz).strftime(fmt)}",
        f"--endtime={until.astimezone(tz).strftime(fmt)}",
        f"--format={','.join(ASKED)}",
    ]


@dataclass(frozen=True)
class Reject:
    line_no: int
    line: str
    message: str


@dataclass
class Parsed:
    records: list[UsageRecord] = field(default_factory=list)
    line_nos: list[int] = field(default_factory=list)  # the line each record came from
    lines: list[str] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    steps_skipped: int = 0


def parse_elapsed(text: str) -> int:
    """'[D-]HH:MM:SS' or 'MM:SS' → seconds; a negative or garbled time is refused."""
    value = text.strip()
    if value.startswith("-"):
        raise RuleViolation(f"elapsed: must not be negative (got {text!r})", field="elapsed")
    match = _ELAPSED.match(value)
    if not match:
        raise RuleViolation(f"elapsed: must look like [D-]HH:MM:SS (got {text!r})", field="elapsed")
    days, hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    total = elapsed_seconds(days, hours, minutes, seconds)
    if total > MAX_ELAPSED_SECONDS:
        raise RuleViolation(f"elapsed: must be at most 366 days (got {text!r})", field="elapsed")
    return total


def parse_time(text: str, tz: zoneinfo.ZoneInfo, name: str) -> dt.datetime | None:
    """sacct prints the cluster's local time without an offset; a CSV may carry one."""
    value = text.strip()
    if value in _NO_TIME:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise RuleViolation(
            f"{name}: must be a time like 2026-03-01T09:30:00 (got {text!r})", field=name
        ) from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    try:
        return parsed.astimezone(dt.UTC)
    except OverflowError as exc:  # 0001-01-01 east of UTC, 9999-12-31 west of it
        raise RuleViolation(
            f"{name}: {text!r} is out of range once converted to UTC", field=name
        ) from exc


def parse_gpus(tres: str) -> tuple[tuple[str, int], ...]:
    """Typed GPUs from AllocTRES; untyped GPUs cannot be priced, so they are refused."""
    typed: dict[str, int] = {}
    untyped = 0
    for part in tres.split(","):
        name, sep, count = part.strip().partition("=")
        if not sep:
            if name:
                raise RuleViolation(f"alloc_tres: {part!r} is not NAME=COUNT", field="alloc_tres")
            continue
        if not name.startswith("gres/gpu"):
            continue  # cpu, mem, node, billing: not billed here
        if not (count.isascii() and count.isdigit()):  # int() would take "٨", and fail on "²"
            raise RuleViolation(f"alloc_tres: {part!r} is not NAME=COUNT", field="alloc_tres")
        if name == "gres/gpu":
            untyped = int(count)
        elif name.startswith("gres/gpu:"):
            chip = name[9:].lower()  # chip codes in any case are one chip, as the catalogue has it
            typed[chip] = typed.get(chip, 0) + int(count)
    if any(n > MAX_JOB_GPUS for n in (untyped, *typed.values())):
        raise RuleViolation(
            f"alloc_tres: at most {MAX_JOB_GPUS:,} GPUs a job (got {tres!r})", field="alloc_tres"
        )
    if untyped > sum(typed.values()):
        raise RuleViolation(
            f"alloc_tres: {untyped} GPU(s) without a type (gres/gpu:TYPE); unknown chip",
            field="alloc_tres",
        )
    return tuple(sorted((c, n) for c, n in typed.items() if n > 0))


def record_from(row: Mapping[str, str], cluster: str, tz: zoneinfo.ZoneInfo) -> UsageRecord:
    job_id = row["JobID"].strip()
    if not _JOB_ID.match(job_id):
        raise RuleViolation(f"job_id: {job_id!r} is not a Slurm job id", field="job_id")
    submit = parse_time(row["Submit"], tz, "submit")
    if submit is None:
        raise RuleViolation("submit: every job has a submit time", field="submit")
    record = UsageRecord(
        cluster=(row.get("Cluster") or cluster).strip(),
        job_id=job_id,
        submit=submit,
        start=parse_time(row["Start"], tz, "start"),
        elapsed_seconds=parse_elapsed(row["Elapsed"]),
        account=row["Account"].strip(),
        user=row["User"].strip(),
        partition=row["Partition"].strip(),
        state=normal_state(row["State"]),
        gpus=parse_gpus(row["AllocTRES"]),
    )
    if "End" in row:
        check_end(record.state, parse_time(row["End"], tz, "end"))
    return record


def check_end(state: str, end: dt.datetime | None) -> None:
    """A job in a final state has an end time; without one, Slurm has not finished recording
    it, and its elapsed time is only measured up to the moment sacct was read (final records
    are never corrected, so reading it now would keep that guess). Refused: it is read again,
    ended, by the next ingest whose window covers it."""
    if end is None and state in FINAL_STATES:
        raise RuleViolation(
            f"end: the job is {state} but has no end time yet (Slurm is still recording its "
            "end, so its elapsed time is not final); the next ingest whose window covers "
            "the job reads it again",
            field="end",
        )


Row = Mapping[str, str] | str | UsageRecord  # fields, a rejection, or a record read fast


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off for a while, back on after (if it was on).

    A million parsed records are a million new objects that live on, and each full collection
    walks all of them: 8 of them cost about 2.7 s of a 15 s parse, and found nothing to free,
    as records, their tuples and datetimes hold no reference cycles. Reference counting still
    frees everything as usual."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _collect(rows: Iterable[tuple[int, str, Row]], cluster: str, tz: zoneinfo.ZoneInfo) -> Parsed:
    with collector_paused():
        return _collect_rows(rows, cluster, tz)


def _in_chunks(
    rows: Iterable[tuple[int, str, Row]], cluster: str, tz: zoneinfo.ZoneInfo, size: int
) -> Iterator[Parsed]:
    """What `_collect` gives, `size` lines at a time (so at most `size` records a chunk)."""
    if size < 1:
        raise RuleViolation(f"size: a chunk holds at least one line (got {size})", field="size")
    remaining = iter(rows)
    while True:
        with collector_paused():
            chunk = _collect_rows(itertools.islice(remaining, size), cluster, tz)
        if not (chunk.records or chunk.rejects or chunk.steps_skipped):
            return
        yield chunk


def _collect_rows(
    rows: Iterable[tuple[int, str, Row]], cluster: str, tz: zoneinfo.ZoneInfo
) -> Parsed:
    result = Parsed()
    for line_no, line, row in rows:
        if isinstance(row, UsageRecord):
            result.records.append(row)
            result.line_nos.append(line_no)
            result.lines.append(line)
        elif isinstance(row, str):
            result.rejects.append(Reject(line_no, line, row))
        elif _STEP.match(row["JobID"].strip()):
            result.steps_skipped += 1
        else:
            try:
                result.records.append(record_from(row, cluster, tz))
                result.line_nos.append(line_no)
                result.lines.append(line)
            except AiscError as exc:
                result.rejects.append(Reject(line_no, line, exc.message))
    return result


def _sacct_rows(text: str, fast: FastLines | None) -> Iterator[tuple[int, str, Row]]:
    """Lines in the FIELDS order try the fast path first; the careful path takes the rest."""
    header: tuple[str, ...] = FIELDS
    in_order = fast is not None
    for line_no, line in enumerate(text.splitlines(), start=1):
        if NUL in line:
            yield line_no, line.replace(NUL, "\\x00"), NUL_REFUSED
            continue
        record = fast.record(line) if fast is not None and in_order else None
        if record is not None:
            yield line_no, line, record
            continue
        if not line.strip():
            continue
        cells = line.split("|")
        if cells[0] == "JobID":
            header = tuple(cells)
            in_order = fast is not None and header in (FIELDS, ASKED)
            if fast is not None:
                fast.reads_end = header == ASKED
            missing = set(FIELDS) - set(header) - {"Cluster"}
            if missing:
                raise RuleViolation(
                    f"header: sacct output lacks {', '.join(sorted(missing))}", field="header"
                )
            continue
        if len(cells) != len(header):
            yield (
                line_no,
                line,
                f"line: {len(cells)} fields, expected {len(header)} ({'|'.join(header)})",
            )
            continue
        yield line_no, line, dict(zip(header, cells, strict=True))


def parse_sacct(
    text: str, cluster: str, tz: zoneinfo.ZoneInfo, *, careful_only: bool = False
) -> Parsed:
    """Parse `sacct --parsable2` output (header optional, then the FIELDS order is assumed).

    Common lines take the fast path (sacct_fast); `careful_only` sends every line the careful
    way, which gives the same result more slowly (the tests compare the two)."""
    fast = None if careful_only else FastLines(cluster, tz, parse_gpus)
    return _collect(_sacct_rows(text, fast), cluster, tz)


def parse_sacct_chunks(
    text: str, cluster: str, tz: zoneinfo.ZoneInfo, size: int
) -> Iterator[Parsed]:
    """`parse_sacct`, read `size` lines at a time as the consumer asks: an ingest writes each
    chunk while the next is read, and never holds the whole reading's records."""
    return _in_chunks(_sacct_rows(text, FastLines(cluster, tz, parse_gpus)), cluster, tz, size)


def _csv_rows(text: str) -> Iterator[tuple[int, str, Row]]:
    reader = csv.DictReader(io.StringIO(text))
    try:
        yield from _csv_reader_rows(reader)
    except csv.Error as exc:  # a field over the csv module's limit: the file is not CSV
        raise RuleViolation(f"line {reader.line_num + 1}: not CSV ({exc})", field="line") from exc


def _csv_reader_rows(reader: csv.DictReader[str]) -> Iterator[tuple[int, str, Row]]:
    missing = set(CSV_FIELDS) - set(reader.fieldnames or ()) - {"cluster", "end"}
    if missing:
        raise RuleViolation(f"header: the CSV lacks {', '.join(sorted(missing))}", field="header")
    for row in reader:
        line_no = reader.line_num
        if any(NUL in v for v in row.values() if isinstance(v, str)):
            text = ",".join(str(v) for v in row.values()).replace(NUL, "\\x00")
            yield line_no, text, NUL_REFUSED
            continue
        if None in row or any(v is None for v in row.values()):
            yield line_no, ",".join(str(v) for v in row.values()), "line: wrong number of fields"
            continue
        yield (
            line_no,
            ",".join(row.values()),
            {CSV_FIELDS[k]: v for k, v in row.items() if k in CSV_FIELDS},
        )


def parse_csv(text: str, cluster: str, tz: zoneinfo.ZoneInfo) -> Parsed:
    """A CSV with the columns job_id, [cluster], account, user, partition, state, submit, start,
    elapsed, alloc_tres, [end] (the same meanings as the sacct fields)."""
    return _collect(_csv_rows(text), cluster, tz)


def parse_csv_chunks(text: str, cluster: str, tz: zoneinfo.ZoneInfo, size: int) -> Iterator[Parsed]:
    """`parse_csv`, `size` lines at a time (as `parse_sacct_chunks`)."""
    return _in_chunks(_csv_rows(text), cluster, tz, size)
