"""Where usage comes from: a Slurm window through the adapter's raw `sacct(args)`, or a text."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from aisc.adapters.slurm.cli import CliSlurm
from aisc.adapters.slurm.usage import parse_csv, parse_sacct, sacct_args
from aisc.web.billing import actions
from aisc.web.billing.defaults import AllocationDirectory, CataloguePrices
from aisc.web.billing.ingest import BATCH, IngestReport, source_key


def read_slurm(
    since: dt.datetime, until: dt.datetime, tz: zoneinfo.ZoneInfo
) -> tuple[str, str, str]:
    """Jobs active in the window, as `sacct --parsable2` text, read through the Slurm adapter."""
    text = CliSlurm().sacct(sacct_args(since, until, tz))
    return f"sacct:{since.isoformat()}/{until.isoformat()}", text, "sacct"


def ingest_text(
    text: str,
    label: str,
    kind: str,
    cluster: str,
    tz: zoneinfo.ZoneInfo,
    *,
    batch_size: int = BATCH,
) -> IngestReport:
    parse = parse_sacct if kind == "sacct" else parse_csv
    parsed = parse(text, cluster, tz)
    return actions.do_ingest(
        parsed,
        source_key(label, text),
        directory=AllocationDirectory(),
        prices=CataloguePrices(),
        tz=tz,
        batch_size=batch_size,
    )
