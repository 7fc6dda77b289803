"""Split a job's run at billing-period boundaries (calendar months in the centre's time zone)."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass

from aisc.core.errors import RuleViolation

# ASCII digits only: `\d` would also take full-width ones (`２０２６-１１`), which int() reads.
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")
# Billing months the centre can have: anything else is a typo (0000-01) or an attack.
FIRST_YEAR, LAST_YEAR = 1970, 2100


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str, field: str = "period") -> Month:
        match = _MONTH.match(text.strip())
        if (
            not match
            or not 1 <= int(match.group(2)) <= 12
            or not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR
        ):
            raise RuleViolation(
                (
                    "%(field)s: must be a month written YYYY-MM in ASCII digits, "
                    "from %(first_year)s-01 to %(last_year)s-12 (got %(text)s)"
                ),
                field=field,
                params={
                    "field": field,
                    "first_year": FIRST_YEAR,
                    "last_year": LAST_YEAR,
                    "text": f"{text!r}",
                },
            )
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, instant: dt.datetime, tz: zoneinfo.ZoneInfo) -> Month:
        local = instant.astimezone(tz)
        return cls(local.year, local.month)

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def start(self, tz: zoneinfo.ZoneInfo) -> dt.datetime:
        """The first instant of the month, in UTC."""
        return dt.datetime(self.year, self.month, 1, tzinfo=tz).astimezone(dt.UTC)

    def end(self, tz: zoneinfo.ZoneInfo) -> dt.datetime:
        return self.next().start(tz)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def seconds_by_month(
    start: dt.datetime, seconds: int, tz: zoneinfo.ZoneInfo
) -> list[tuple[Month, int]]:
    """Whole seconds of the run [start, start + seconds) that fall in each month, in order."""
    if seconds < 0:
        raise RuleViolation(
            "elapsed: must not be negative (got %(seconds)s s)",
            field="elapsed",
            params={"seconds": seconds},
        )
    # In UTC: adding to a time in a zone with summer time would add wall-clock time instead.
    start = start.astimezone(dt.UTC)
    end = start + dt.timedelta(seconds=seconds)
    month = Month.of(start, tz)
    parts: list[tuple[Month, int]] = []
    cursor, used = start, 0
    while cursor < end:
        boundary = min(month.end(tz), end)
        # The last part takes the remainder, so the parts always add up to `seconds` exactly.
        part = seconds - used if boundary == end else int((boundary - cursor).total_seconds())
        parts.append((month, part))
        used += part
        cursor, month = boundary, month.next()
    return parts
