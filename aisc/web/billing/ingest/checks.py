"""Whether a reading can be billed: its account is known and its chips have a rate on the day.

A first reading is checked record by record as `rows.RowMaker` makes its rows (`Checker.problem`).
Any other batch is charged and checked here first, in one pass (`check`): which readings are
refused decides which are new, so the plan needs the answer before rows can be made.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from aisc.core.billing.rating import PriceBook
from aisc.core.errors import AiscError
from aisc.core.metering.records import UsageRecord
from aisc.web.billing.ingest.charges import Charger, Wanted
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


@dataclass
class Checked:
    """Every reading of a batch charged and checked, for the plan and then for the rows."""

    wanted: list[Wanted]  # by reading ({} for one refused)
    refused: dict[int, str]  # reading -> why, in order
    accounts: set[str]  # of the readings not refused


def check(
    records: Sequence[UsageRecord],
    charger: Charger,
    problem: Callable[[UsageRecord, Wanted], str | None],
) -> Checked:
    """What each reading is charged and whether it is refused (`problem`: `Checker.problem`)."""
    out = Checked([], {}, set())
    for index, record in enumerate(records):
        charged = charger.wanted(record)
        out.wanted.append(charged)
        why = problem(record, charged)
        if why is None:
            out.accounts.add(record.account)
        else:
            out.refused[index] = why
    return out


def _message(check: Callable[[], object]) -> str | None:
    try:
        check()
    except AiscError as exc:
        return exc.message
    return None
