"""Where usage comes from: a cluster's reader for a time window, or a saved text.

Each cluster kind (`AISC_CLUSTER`) has one reader in `READERS`: a function from a window to the
jobs active in it, as `sacct --parsable2` (or CSV) text. The worker's periodic ingest and
`aisc usage ingest --since` go through it, so a new usage source is one line there.

The embedded cluster is also metered as it runs: the worker's task `cluster.advance`
(`advance_and_meter`, every AISC_EMBEDDED_ADVANCE_SECONDS) advances it to now and meters what
that advance ended and what runs, so the demo shows live usage; the periodic ingest still reads
it from its watermark and catches anything an interrupted run left unmetered (records read twice
change nothing). With AISC_CLUSTER=slurm there is no embedded cluster and the task does nothing.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings

from aisc.adapters.slurm.usage import (
    Parsed,
    Reject,
    parse_csv_chunks,
    parse_sacct_chunks,
    sacct_args,
)
from aisc.core.errors import RuleViolation
from aisc.web.allocations import cluster as slurm
from aisc.web.billing import actions
from aisc.web.billing.ingest.batches import BATCH, IngestReport, source_key
from aisc.web.billing.prices import CataloguePrices
from aisc.web.billing.projects import AllocationDirectory
from aisc.web.cluster import service
from aisc.web.cluster import usage as embedded_usage
from aisc.web.cluster.models import EmbeddedJob

UTC = zoneinfo.ZoneInfo("UTC")


@dataclass(frozen=True)
class Reading:
    label: str  # names the source; with the text's hash it keys the ingest checkpoint
    text: str
    kind: str  # "sacct" (parsable2) or "csv"
    times_tz: zoneinfo.ZoneInfo | None = None  # the zone of times without an offset; None: local


Reader = Callable[[dt.datetime, dt.datetime, zoneinfo.ZoneInfo], Reading]


def read_slurm(since: dt.datetime, until: dt.datetime, tz: zoneinfo.ZoneInfo) -> Reading:
    """Jobs active in the window, as `sacct --parsable2` text, read through the Slurm adapter.
    Raises the adapter's error when sacct cannot be run or fails.

    The adapter runs Slurm's commands with TZ=UTC, so sacct takes the window and prints its
    times in UTC, whatever the portal's time zone.
    """
    text = slurm.adapter().sacct(sacct_args(since, until, UTC))
    return Reading(f"sacct:{since.isoformat()}/{until.isoformat()}", text, "sacct", UTC)


def read_embedded(since: dt.datetime, until: dt.datetime, tz: zoneinfo.ZoneInfo) -> Reading:
    """The embedded cluster's jobs active in the window (aisc.web.cluster), as sacct would print
    them: local times without an offset, running jobs with their elapsed time so far."""
    text = embedded_usage.window_text(since, until, tz)
    return Reading(f"embedded:{since.isoformat()}/{until.isoformat()}", text, "sacct")


# One line per cluster kind.
READERS: dict[str, Reader] = {
    "slurm": read_slurm,
    "embedded": read_embedded,
}


def reader_for(kind: str) -> Reader:
    try:
        return READERS[kind]
    except KeyError:
        known = ", ".join(sorted(READERS))
        raise RuleViolation(
            f"cluster: no usage reader for cluster kind {kind!r} (known: {known})", field="cluster"
        ) from None


def ingest_reading(
    reading: Reading,
    cluster: str,
    tz: zoneinfo.ZoneInfo,
    *,
    batch_size: int = BATCH,
    not_after: dt.datetime | None = None,
) -> IngestReport:
    """`not_after`: a job submitted, or running until, later than this is rejected (usage
    cannot come from the future; the caller adds its allowance for clock skew)."""
    return ingest_text(
        reading.text,
        reading.label,
        reading.kind,
        cluster,
        tz,
        times_tz=reading.times_tz,
        batch_size=batch_size,
        not_after=not_after,
    )


def _not_after(chunks: Iterable[Parsed], latest: dt.datetime) -> Iterator[Parsed]:
    for chunk in chunks:
        kept = Parsed(rejects=list(chunk.rejects), steps_skipped=chunk.steps_skipped)
        for record, line_no, line in zip(chunk.records, chunk.line_nos, chunk.lines, strict=True):
            ran_until = (record.start or record.submit) + dt.timedelta(
                seconds=record.elapsed_seconds
            )
            if record.submit > latest or ran_until > latest:
                kept.rejects.append(
                    Reject(
                        line_no,
                        line,
                        f"submit: the job ran until {ran_until:%Y-%m-%d %H:%M} UTC, after "
                        f"{latest:%Y-%m-%d %H:%M} UTC: usage cannot come from the future",
                    )
                )
                continue
            kept.records.append(record)
            kept.line_nos.append(line_no)
            kept.lines.append(line)
        yield kept


def ingest_text(
    text: str,
    label: str,
    kind: str,
    cluster: str,
    tz: zoneinfo.ZoneInfo,
    *,
    times_tz: zoneinfo.ZoneInfo | None = None,
    batch_size: int = BATCH,
    not_after: dt.datetime | None = None,
) -> IngestReport:
    """`tz` splits usage into local months and days; `times_tz` (default `tz`) is the zone of
    the text's times that carry no offset."""
    parse = parse_sacct_chunks if kind == "sacct" else parse_csv_chunks
    # read chunk by chunk as the ingest writes: on PostgreSQL the server writes one batch while
    # the next is parsed, and the reading's records are never all held at once
    chunks = parse(text, cluster, times_tz or tz, batch_size)
    return actions.do_ingest(
        chunks if not_after is None else _not_after(chunks, not_after),
        source_key(label, text),
        directory=AllocationDirectory(),
        prices=CataloguePrices(),
        tz=tz,
    )


def meter(
    jobs: list[EmbeddedJob], now: dt.datetime, tz: zoneinfo.ZoneInfo, label: str
) -> IngestReport | None:
    """Meter these embedded jobs through the sacct path now; None when there is nothing to."""
    if not jobs:
        return None
    reading = Reading(label, embedded_usage.sacct_text(jobs, now, tz), "sacct")
    return ingest_reading(reading, embedded_usage.CLUSTER, tz)


def advance_and_meter() -> str:
    if settings.AISC_CLUSTER != "embedded":
        return "AISC_CLUSTER is not embedded: nothing to advance"
    moved = service.advance()
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    report = meter(moved.ended + moved.running, moved.now, tz, f"embedded:{moved.now.isoformat()}")
    metered = 0 if report is None else report.inserted + report.corrected
    return f"{moved.describe()}; {metered} usage records new or corrected"


ADVANCE_SECONDS = float(settings.AISC_EMBEDDED_ADVANCE_SECONDS)
