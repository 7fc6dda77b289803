"""Whether a reading can be billed: its account is known and its chips have a rate on the day.

`rows.RowMaker` asks once per reading, with what the reading is charged, as it makes the rows.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Mapping

from aisc.core.billing.rating import PriceBook
from aisc.core.errors import AiscError
from aisc.core.metering.records import UsageRecord
from aisc.web.billing.projects import Directory


class Checker:
    """Refuses records of unknown accounts and of chips without a rate on the day of use.

    Answers are remembered per account and per (chip, partition, day): an ingest asks about a
    million records but only a few thousand distinct things. Days may be dates or ISO text."""

    def __init__(self, directory: Directory, prices: PriceBook, tz: zoneinfo.ZoneInfo) -> None:
        self.directory, self.prices, self.tz = directory, prices, tz
        self._accounts: dict[str, str | None] = {}
        self._priced: dict[tuple[str, str, object], str | None] = {}

    def problem(
        self, record: UsageRecord, wanted: Mapping[tuple[str, str], tuple[object, int]]
    ) -> str | None:
        account = record.account
        if account not in self._accounts:
            self._accounts[account] = _message(lambda: self.directory.get(account))
        problem = self._accounts[account]
        if problem is not None:
            return problem
        for (_, chip), (day, _) in wanted.items():
            where = (chip, record.partition, day)
            if where not in self._priced:
                self._priced[where] = self._price_problem(*where)
            problem = self._priced[where]
            if problem is not None:
                return problem
        return None

    def _price_problem(self, chip: str, partition: str, day: object) -> str | None:
        on = dt.date.fromisoformat(day) if isinstance(day, str) else day
        return _message(lambda: self.prices.price(chip, partition, on))  # type: ignore[arg-type]


def _message(check: Callable[[], object]) -> str | None:
    try:
        check()
    except AiscError as exc:
        return exc.message
    return None
