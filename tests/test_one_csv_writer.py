"""Every CSV the project writes goes through aisc.core.csvcells.writer (formula injection): no
module outside it builds a csv.writer or csv.DictWriter of its own."""

from __future__ import annotations

import re
from pathlib import Path

import aisc

ROOT = Path(aisc.__file__).parent
WRITER = re.compile(r"\bcsv\.(writer|DictWriter)\(")


def test_no_module_but_csvcells_makes_its_own_csv_writer() -> None:
    own = [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if path.name != "csvcells.py" and WRITER.search(path.read_text(encoding="utf-8"))
    ]
    assert own == []
