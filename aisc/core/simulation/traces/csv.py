"""`csv`: `submit_time_s,gpus,duration_s[,chip,project,time_limit_s]`, a header line optional.

Empty optional cells mean: any chip, project "default", no time limit.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable

from aisc.core.simulation.traces.base import Trace, TraceBuilder, check_row

HEADER = ("submit_time_s", "gpus", "duration_s", "chip", "project", "time_limit_s")


def load(lines: Iterable[str], source: str, *, strict: bool = False) -> Trace:
    builder = TraceBuilder(source, strict=strict)
    seen_data = False
    for number, row in enumerate(csv.reader(lines), start=1):
        if not row or row[0].startswith("#"):
            continue
        if not seen_data and row[0].strip() == HEADER[0]:
            continue  # the optional header, before any job line
        seen_data = True
        _add_row(builder, number, [cell.strip() for cell in row])
    return builder.build()


def _add_row(builder: TraceBuilder, number: int, row: list[str]) -> None:
    if not 3 <= len(row) <= len(HEADER):
        builder.skip(number, f"expected 3 to 6 columns ({','.join(HEADER)}), got {len(row)}")
        return
    row = row + [""] * (len(HEADER) - len(row))
    try:
        submit, gpus, work = float(row[0]), int(row[1]), float(row[2])
        limit = float(row[5]) if row[5] else math.inf
    except ValueError as exc:
        builder.skip(number, f"not a number: {exc}")
        return
    if not check_row(builder, number, submit, gpus, work):
        return
    if not limit > 0:
        builder.skip(number, f"time_limit_s {limit} must be > 0")
        return
    builder.add(
        number,
        submit,
        gpus,
        work,
        time_limit=limit,
        chip=row[3] or None,
        project=row[4] or "default",
    )
