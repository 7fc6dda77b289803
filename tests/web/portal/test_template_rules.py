"""Rules every template keeps so the browser tests' axe walk stays clean on pages it does not
visit: a box that scrolls a table sideways on a phone can take keyboard focus."""

from __future__ import annotations

import re
from pathlib import Path

WEB = Path(__file__).resolve().parents[3] / "aisc" / "web"


def test_every_scrolling_table_box_takes_keyboard_focus() -> None:
    missing = [
        f"{path.relative_to(WEB)}: {tag}"
        for path in sorted(WEB.rglob("templates/**/*.html"))
        for tag in re.findall(r'<div class="table-wrap[^"]*"[^>]*>', path.read_text())
        if 'tabindex="0"' not in tag
    ]
    assert missing == []
