"""The burn-down chart as inline SVG: committed against disbursed over time (no JavaScript)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT, PAD = 640, 240, 40


def _polyline(values: list[Decimal], top: Decimal, colour: str) -> str:
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    points = " ".join(
        f"{PAD + i * step:.1f},{HEIGHT - PAD - float(v / top) * (HEIGHT - 2 * PAD):.1f}"
        for i, v in enumerate(values)
    )
    return f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>'


def burn_down_svg(points: list[dict[str, Any]]) -> SafeString:
    if not points:
        return mark_safe("")
    top = max(max(p["committed"], p["disbursed"]) for p in points) or Decimal(1)
    labels = "".join(
        f'<text x="{PAD + i * (WIDTH - 2 * PAD) / max(len(points) - 1, 1):.1f}" y="{HEIGHT - 10}" '
        f'font-size="11" text-anchor="middle">{escape(p["month"])}</text>'
        for i, p in enumerate(points)
    )
    title = escape(_("Committed (blue) against disbursed (orange), HK$, cumulative"))
    svg = (
        f'<svg role="img" aria-label="{title}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{title}</title>'
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        'stroke="#888"/>'
        f"{_polyline([p['committed'] for p in points], top, '#1f5fa8')}"
        f"{_polyline([p['disbursed'] for p in points], top, '#d9822b')}"
        f'<text x="{PAD}" y="16" font-size="11">HK$ {escape(f"{top:,.2f}")}</text>{labels}</svg>'
    )
    return mark_safe(svg)  # noqa: S308 - built here from numbers and escaped labels
