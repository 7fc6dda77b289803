"""The one CSV writer every export uses: cells a spreadsheet would run as a formula are neutralised.

OWASP's rule (CSV Injection, https://owasp.org/www-community/attacks/CSV_Injection): a cell that
begins with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with a single quote, so
Excel, LibreOffice and Google Sheets show it as text instead of evaluating it.

Numbers are left alone: a refund of -12.50 in a money column must stay a number the finance
system can import. A cell is numeric when it is an int, float or Decimal, or text that is one
plain decimal number (an optional sign, digits, an optional fraction: `-12.50`, `+3`). Anything
else that begins with a trigger, `-1+1` and `-2e3` included, is neutralised.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Protocol

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


class TextSink(Protocol):
    def write(self, text: str, /) -> Any: ...


def neutralise(value: Any) -> Any:
    """The cell as written: numbers unchanged, text starting with a trigger quoted."""
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    text = str(value)
    if text.startswith(TRIGGERS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


class SafeWriter:
    """csv.writer with every cell passed through `neutralise`."""

    def __init__(self, sink: TextSink, **options: Any) -> None:
        self._writer = csv.writer(sink, **options)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(sink: TextSink, **options: Any) -> SafeWriter:
    """The writer for every CSV the project produces (web exports and CLI output alike)."""
    return SafeWriter(sink, **options)
