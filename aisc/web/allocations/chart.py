"""A small SVG bar chart of commitments against the limit, month by month, one panel per chip.
Drawn as text so the page needs no plotting library and no JavaScript."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from aisc.core.allocations.capacity import MonthRow

WIDTH, PANEL_HEIGHT, BAR_GAP = 720, 140, 4


def svg(rows: list[MonthRow], title: str) -> str:
    chips = sorted({r.chip for r in rows})
    height = PANEL_HEIGHT * max(len(chips), 1) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label="{escape(title)}" class="capacity-chart">'
    ]
    for index, chip in enumerate(chips):
        parts.append(_panel([r for r in rows if r.chip == chip], chip, index * PANEL_HEIGHT))
    parts.append("</svg>")
    return "".join(parts)


def _panel(rows: list[MonthRow], chip: str, top: int) -> str:
    tallest = max([*(r.limit_hours for r in rows), *(r.committed_hours for r in rows), Decimal(1)])
    plot = PANEL_HEIGHT - 40
    step = (WIDTH - 60) / max(len(rows), 1)
    out = [f'<text x="0" y="{top + 14}" class="chip">{escape(chip)}</text>']
    for i, row in enumerate(rows):
        x = 50 + i * step
        bar = float(row.committed_hours / tallest) * plot
        limit = float(row.limit_hours / tallest) * plot
        base = top + 20 + plot
        css = "over" if row.over else "ok"
        out.append(
            f'<rect x="{x:.1f}" y="{base - bar:.1f}" width="{step - BAR_GAP:.1f}" '
            f'height="{bar:.1f}" class="{css}"><title>{row.month[0]}-{row.month[1]:02d}: '
            f"{row.committed_hours} / {row.limit_hours}</title></rect>"
        )
        out.append(
            f'<line x1="{x:.1f}" x2="{x + step - BAR_GAP:.1f}" y1="{base - limit:.1f}" '
            f'y2="{base - limit:.1f}" class="limit"/>'
        )
        label = f"{row.month[1]:02d}/{row.month[0] % 100}"
        out.append(f'<text x="{x:.1f}" y="{base + 14}" class="month">{label}</text>')
    return "".join(out)
