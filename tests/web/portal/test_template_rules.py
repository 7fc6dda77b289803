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


# Bodies shared with a PDF: the portal page that includes each wraps the whole body in one box.
WRAPPED_WHERE_INCLUDED = {
    "billing/templates/billing/_annual_body.html",
    "billing/templates/billing/_statement_body.html",
}


def tables_outside_a_box(html: str) -> int:
    """Tables not inside a <div class="table-wrap…">: on a phone they widen the page."""
    outside = 0
    for found in re.finditer(r"<table\b", html):
        before = html[: found.start()]
        opened = before.rfind('<div class="table-wrap')
        if opened < 0 or "</table>" in before[opened:]:
            outside += 1
    return outside


def test_every_table_scrolls_sideways_in_its_own_box() -> None:
    loose = [
        str(path.relative_to(WEB))
        for path in sorted(WEB.rglob("templates/**/*.html"))
        if "_pdf" not in path.name
        and str(path.relative_to(WEB)) not in WRAPPED_WHERE_INCLUDED
        and tables_outside_a_box(path.read_text())
    ]
    assert loose == []


def test_a_table_after_a_closed_box_counts_as_outside() -> None:
    boxed = '<div class="table-wrap" tabindex="0"><table></table></div>'
    assert tables_outside_a_box(boxed) == 0
    assert tables_outside_a_box(boxed + "<table></table>") == 1
