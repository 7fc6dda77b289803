"""Parsers for Slurm 22.05's parsable output. All version-specific reading lives here."""

from __future__ import annotations

import datetime as dt
import re

from aisc.adapters.slurm.errors import SlurmCommandFailed
from aisc.core.allocations.slurmstate import Tres, tres


def rows(text: str, columns: list[str]) -> list[dict[str, str]]:
    """`-n -P` output (no header, `|`-separated) as dicts keyed by the requested columns."""
    result = []
    for line in text.splitlines():
        if not line.strip():
            continue
        cells = line.split("|")
        if len(cells) != len(columns):
            raise SlurmCommandFailed(
                f"unexpected Slurm output: {len(cells)} columns where {len(columns)} "
                f"({','.join(columns)}) were asked for: {line!r}"
            )
        result.append(dict(zip(columns, cells, strict=True)))
    return result


def parse_tres(text: str) -> Tres:
    """`gres/gpu:h800=600,cpu=4` -> (("cpu", 4), ("gres/gpu:h800", 600))."""
    pairs: dict[str, int] = {}
    for part in filter(None, text.split(",")):
        name, _, amount = part.partition("=")
        pairs[name] = int(amount)
    return tres(pairs)


def parse_limit(text: str) -> int | None:
    return int(text) if text.strip() else None


def key_values(line: str) -> dict[str, str]:
    """One `scontrol show ... -o` record: space-separated Key=Value pairs."""
    result = {}
    for part in line.split():
        key, sep, value = part.partition("=")
        if sep:
            result[key] = value
    return result


def parse_time(text: str) -> dt.datetime:
    """scontrol prints local time; the runner sets TZ=UTC, so this is UTC."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def format_time(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")


def names(text: str) -> tuple[str, ...]:
    """A comma list where Slurm writes `(null)` for none."""
    if text in ("", "(null)"):
        return ()
    return tuple(sorted(text.split(",")))


_RANGE = re.compile(r"([^,\[]*)(?:\[([^\]]+)\])?(?:,|$)")


def expand_hostlist(text: str) -> tuple[str, ...]:
    """`h800-[01-02],br104-01` -> ("br104-01", "h800-01", "h800-02")."""
    hosts: list[str] = []
    for match in _RANGE.finditer(text):
        prefix, ranges = match.group(1), match.group(2)
        if not prefix and not ranges:
            continue
        if ranges is None:
            hosts.append(prefix)
            continue
        for part in ranges.split(","):
            low, _, high = part.partition("-")
            width = len(low)
            for n in range(int(low), int(high or low) + 1):
                hosts.append(f"{prefix}{n:0{width}d}")
    return tuple(sorted(hosts))


def parse_gres(text: str) -> tuple[str, int]:
    """sinfo's `%G`, e.g. `gpu:h800:8` or `gpu:h800:8(S:0-1)` -> ("h800", 8); ("", 0) if none."""
    for part in text.split(","):
        fields = part.split("(")[0].split(":")
        if fields[0] == "gpu" and len(fields) == 3:
            return fields[1], int(fields[2])
    return "", 0
