"""Every list page stands on the one list frame (templates/list_page.html): its filters, #listing
that htmx swaps, the scrolling table with sortable headers and the pager come from there, never
restated in a page."""

from __future__ import annotations

from pathlib import Path

WEB = Path(__file__).resolve().parents[3] / "aisc" / "web"
FRAME = "list_page.html"


def list_templates() -> list[Path]:
    """Templates of pages with a ListSpec list: those that name the sortable headers or #listing."""
    return [
        p
        for p in WEB.rglob("*.html")
        if p.name != FRAME
        and "partials" not in p.parts
        and ("sort_headers" in p.read_text() or 'id="listing"' in p.read_text())
    ]


def test_no_page_restates_the_list_frame() -> None:
    assert list_templates() == []


def test_every_list_page_extends_the_frame() -> None:
    pages = [p for p in WEB.rglob("*.html") if '{% extends "list_page.html" %}' in p.read_text()]
    names = sorted(p.name for p in pages)
    assert names == [
        "award_list.html",
        "award_usage.html",
        "home.html",
        "list.html",
        "list.html",
        "organisations.html",
        "statements.html",
    ]
