"""The common `sacct --parsable2` line, read without the careful parser's per-field work.

Nearly every line of a real dump has one shape: a plain numeric job id, no blanks to strip, a
known state in capitals, local times written 2026-03-01T09:30:00, elapsed [D-]HH:MM:SS and a
TRES list. One regular expression checks that shape in C; the fields are then converted with
caches (the UTC offset of each local hour, the GPUs of each TRES text). Anything else, or any
field a check refuses, makes `record` return None and the line goes through the careful parser,
which owns every rejection message. Under the header usage.ASKED a line carries End last, and a
final state without one also goes the careful way (which refuses it). So this path never accepts
a line the careful one refuses and never builds a different record
(tests/adapters/slurm/test_sacct_fast.py and test_usage_end.py compare the two).
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable

from aisc.core.errors import AiscError
from aisc.core.metering.records import FINAL_STATES, OPEN_STATES, UsageRecord

# [0-9], not \d: \d also takes other scripts' digits, which the careful path judges. [^|\s] keeps
# out every character that str.strip() would remove, so no field here needs stripping.
_TIME = r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
_LINE = re.compile(
    r"([0-9]+)\|([^|\s]*)\|([^|\s]+)\|([^|\s]*)\|([^|\s]*)\|([A-Z_]+)\|"
    rf"({_TIME})\|({_TIME}|Unknown|None|N/A|)\|"
    r"(?:([0-9]+)-)?([0-9]+):([0-9]{1,2}):([0-9]{2})\|([^|\s]*)"
)
# The same line with End after it (usage.ASKED, what sacct_args asks for).
_LINE_END = re.compile(rf"{_LINE.pattern}\|({_TIME}|Unknown|None|N/A|)")
_STATES = FINAL_STATES | OPEN_STATES
_NO_START = frozenset({"", "Unknown", "None", "N/A"})
Gpus = tuple[tuple[str, int], ...]
# Distinct TRES texts and local hours are few (one per job shape, one per hour of the dump);
# the limit bounds what a hostile file can make either cache hold.
_CACHE_LIMIT = 4096
_WITHIN_HOUR = {
    f":{m:02d}:{s:02d}": dt.timedelta(minutes=m, seconds=s) for m in range(60) for s in range(60)
}
_UNSEEN = dt.datetime.min  # a cache sentinel: no hour key maps to it


# A job that ran longer than a year is a corrupt record: refused, so its line is rejected
# instead of overflowing the month split of the whole reading.
MAX_ELAPSED_SECONDS = 366 * 86_400


def elapsed_seconds(days: int, hours: int, minutes: int, seconds: int) -> int:
    """Slurm's [D-]HH:MM:SS as seconds: one rule for both paths (usage.parse_elapsed)."""
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


def steady_offset(hour: dt.datetime, tz: zoneinfo.ZoneInfo) -> dt.timedelta | None:
    """The UTC offset of every local time in the hour starting at naive `hour`, or None when it
    changes within the hour or depends on fold (a daylight-saving switch): those times go the
    careful way."""
    ends = (hour, hour.replace(minute=59, second=59))
    offsets = {t.replace(tzinfo=tz, fold=fold).utcoffset() for t in ends for fold in (0, 1)}
    only = offsets.pop()
    return only if not offsets else None


class FastLines:
    """Parses common-shape lines of one sacct text; `record` returns None for any other line."""

    def __init__(
        self, cluster: str, tz: zoneinfo.ZoneInfo, parse_gpus: Callable[[str], Gpus]
    ) -> None:
        """`parse_gpus` is the careful parser's own TRES rule; its answers are cached here."""
        self.cluster, self.tz, self.parse_gpus = cluster.strip(), tz, parse_gpus
        self._hours: dict[str, dt.datetime | None] = {}
        self._gpus: dict[str, Gpus | None] = {}
        self.reads_end = False  # lines carry End last (the parser sets it from the header)

    def record(self, line: str) -> UsageRecord | None:
        match = (_LINE_END if self.reads_end else _LINE).fullmatch(line)
        if match is None:
            return None
        (job_id, cluster, account, user, partition, state, submit_text, start_text) = match.group(
            1, 2, 3, 4, 5, 6, 7, 8
        )
        if state not in _STATES:  # checked first: it costs less than the times
            return None
        if self.reads_end and not self.ended_if_final(state, match.group(14)):
            return None
        days, hours, minutes, seconds, tres = match.group(9, 10, 11, 12, 13)
        submit = self.utc(submit_text)
        if start_text in _NO_START:
            start = None
        else:
            start = submit if start_text == submit_text else self.utc(start_text)
            if start is None:
                return None
        gpus = self._gpus.get(tres) or self.gpus(tres)  # () and None: ask the cache properly
        if submit is None or gpus is None:
            return None
        elapsed = elapsed_seconds(int(days or 0), int(hours), int(minutes), int(seconds))
        if elapsed > MAX_ELAPSED_SECONDS:
            return None  # the careful path rejects it, saying why
        return UsageRecord.checked_by_caller(  # the line's shape made the record's checks
            cluster or self.cluster,
            job_id,
            submit,
            start,
            elapsed,
            account,
            user,
            partition,
            state,
            gpus,
        )

    def ended_if_final(self, state: str, end_text: str) -> bool:
        """False where the careful path must judge End: a final state without an end time
        (it refuses that line) or a time this path cannot read."""
        if end_text in _NO_START:
            return state not in FINAL_STATES
        return self.utc(end_text) is not None

    def utc(self, text: str) -> dt.datetime | None:
        """A local time as an aware UTC datetime, or None when it needs the careful path: the
        UTC start of its local hour (cached) plus its minutes and seconds (a table of 3,600)."""
        hour = self._hours.get(text[:13], _UNSEEN)
        if hour is _UNSEEN:
            hour = self._hour_start(text[:13])
            if len(self._hours) < _CACHE_LIMIT:
                self._hours[text[:13]] = hour
        within = _WITHIN_HOUR.get(text[13:])
        if hour is None or within is None:
            return None
        return hour + within

    def _hour_start(self, prefix: str) -> dt.datetime | None:
        try:
            naive = dt.datetime.fromisoformat(f"{prefix}:00:00")
            offset = steady_offset(naive, self.tz)
            return None if offset is None else (naive - offset).replace(tzinfo=dt.UTC)
        except (ValueError, OverflowError):
            return None  # a month 13 or the edge of the calendar: the careful path says why

    def gpus(self, tres: str) -> Gpus | None:
        """The careful parser's GPUs for `tres`, remembered; None where it refuses the text."""
        if tres in self._gpus:
            return self._gpus[tres]
        try:
            found: Gpus | None = self.parse_gpus(tres)
        except AiscError:
            found = None
        if len(self._gpus) < _CACHE_LIMIT:
            self._gpus[tres] = found
        return found
