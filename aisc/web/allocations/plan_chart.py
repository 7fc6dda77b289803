"""SVG of a capacity plan, one panel per chip: utilisation by month with its band over seeds
(shaded), and demand against capacity as a second line. Text, so no plotting library and no
JavaScript in the page."""

from __future__ import annotations

from html import escape
from typing import Any

WIDTH, PANEL, LEFT, TOP = 720, 160, 50, 24


def svg(doc: dict[str, Any], title: str) -> str:
    chips = list(dict.fromkeys(row["chip"] for row in doc["months"]))
    height = PANEL * max(len(chips), 1) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label="{escape(title)}" class="capacity-chart">'
    ]
    for index, chip in enumerate(chips):
        rows = [row for row in doc["months"] if row["chip"] == chip]
        parts.append(_panel(rows, chip, index * PANEL))
    parts.append("</svg>")
    return "".join(parts)


def _panel(rows: list[dict[str, Any]], chip: str, top: int) -> str:
    plot = PANEL - TOP - 20
    step = (WIDTH - LEFT - 10) / max(len(rows) - 1, 1)
    base = top + TOP + plot

    def point(i: int, share: float) -> str:
        return f"{LEFT + i * step:.1f},{base - min(share, 1.2) / 1.2 * plot:.1f}"

    band = [point(i, r["utilization_hi"] or 0.0) for i, r in enumerate(rows)]
    band += [point(i, r["utilization_lo"] or 0.0) for i, r in reversed(list(enumerate(rows)))]
    median = [point(i, r["utilization"] or 0.0) for i, r in enumerate(rows)]
    load = [
        point(i, (r["demand_gpu_hours"] or 0.0) / r["capacity_gpu_hours"])
        for i, r in enumerate(rows)
        if r["capacity_gpu_hours"]
    ]
    full = base - plot / 1.2
    out = [
        f'<text x="0" y="{top + 14}" class="chip">{escape(chip)}</text>',
        f'<line x1="{LEFT}" y1="{full:.1f}" x2="{WIDTH - 10}" y2="{full:.1f}" '
        'stroke="#888" stroke-dasharray="4 3"/>',
        f'<text x="0" y="{full + 4:.1f}" font-size="10">100%</text>',
        f'<polygon points="{" ".join(band)}" fill="#9ecae1" fill-opacity="0.6"/>',
        f'<polyline points="{" ".join(median)}" stroke="#08519c" stroke-width="2" fill="none"/>',
        f'<polyline points="{" ".join(load)}" stroke="#d94801" stroke-dasharray="6 3" '
        'fill="none"/>',
    ]
    for i, row in enumerate(rows):
        if i % max(len(rows) // 8, 1) == 0:
            x = LEFT + i * step
            out.append(f'<text x="{x:.1f}" y="{base + 14}" font-size="10">{row["month"]}</text>')
    return "".join(out)
