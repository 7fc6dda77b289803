"""Where usage comes from: a cluster's reader for a time window, or a saved text.

Each cluster kind (`AISC_CLUSTER`) has one reader in `READERS`: a function from a window to the
jobs active in it, as `sacct --parsable2` (or CSV) text. The worker's periodic ingest and
`aisc usage ingest --since` go through it, so a new usage source is one line there.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from aisc.adapters.slurm.cli import CliSlurm
from aisc.adapters.slurm.usage import parse_csv_chunks, parse_sacct_chunks, sacct_args
from aisc.core.errors import RuleViolation
from aisc.web.billing import actions
from aisc.web.billing.ingest.batches import BATCH, IngestReport, source_key
from aisc.web.billing.prices import CataloguePrices
from aisc.web.billing.projects import AllocationDirectory
from aisc.web.cluster import usage as embedded_usage

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
    text = CliSlurm().sacct(sacct_args(since, until, UTC))
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
    reading: Reading, cluster: str, tz: zoneinfo.ZoneInfo, *, batch_size: int = BATCH
) -> IngestReport:
    return ingest_text(
        reading.text,
        reading.label,
        reading.kind,
        cluster,
        tz,
        times_tz=reading.times_tz,
        batch_size=batch_size,
    )


def ingest_text(
    text: str,
    label: str,
    kind: str,
    cluster: str,
    tz: zoneinfo.ZoneInfo,
    *,
    times_tz: zoneinfo.ZoneInfo | None = None,
    batch_size: int = BATCH,
) -> IngestReport:
    """`tz` splits usage into local months and days; `times_tz` (default `tz`) is the zone of
    the text's times that carry no offset."""
    parse = parse_sacct_chunks if kind == "sacct" else parse_csv_chunks
    # read chunk by chunk as the ingest writes: on PostgreSQL the server writes one batch while
    # the next is parsed, and the reading's records are never all held at once
    return actions.do_ingest(
        parse(text, cluster, times_tz or tz, batch_size),
        source_key(label, text),
        directory=AllocationDirectory(),
        prices=CataloguePrices(),
        tz=tz,
    )
