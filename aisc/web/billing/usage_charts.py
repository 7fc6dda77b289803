"""The award usage page's charts as inline SVG (no JavaScript): a chip's GPU-hours used so far
against its released budget, day by day, and the project's jobs by wait. Each is an image with
a title; the page puts the table it was drawn from beside it."""

from __future__ import annotations

from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from aisc.web.billing.award_usage import ChipDays

WIDTH, HEIGHT, PAD = 640, 220, 44


def _frame(title: str, body: str) -> SafeString:
    label = escape(title)
    svg = (
        f'<svg role="img" aria-label="{label}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'xmlns="http://www.w3.org/2000/svg" class="usage-chart"><title>{label}</title>'
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        f'stroke="#888"/>{body}</svg>'
    )
    return mark_safe(svg)  # noqa: S308 - built here from numbers and escaped labels


def budget_svg(chip: ChipDays) -> SafeString:
    """Cumulative GPU-hours (blue) against the released budget (orange, dashed)."""
    released = float(chip.budget.released)
    top = max([released, *(float(d["cumulative"]) for d in chip.days), 1.0])
    count = max(len(chip.days) - 1, 1)

    def y(value: float) -> float:
        return HEIGHT - PAD - value / top * (HEIGHT - 2 * PAD)

    points = " ".join(
        f"{PAD + i * (WIDTH - 2 * PAD) / count:.1f},{y(d['cumulative']):.1f}"
        for i, d in enumerate(chip.days)
    )
    body = (
        f'<line x1="{PAD}" y1="{y(released):.1f}" x2="{WIDTH - PAD}" y2="{y(released):.1f}" '
        'stroke="#d9822b" stroke-width="2" stroke-dasharray="6 4"/>'
        f'<polyline fill="none" stroke="#1f5fa8" stroke-width="2" points="{points}"/>'
        f'<text x="{PAD}" y="16" font-size="11">{escape(f"{top:,.0f}")} GPU-h</text>'
    )
    if chip.days:
        first, last = chip.days[0]["day"], chip.days[-1]["day"]
        body += (
            f'<text x="{PAD}" y="{HEIGHT - 14}" font-size="11">{first:%Y-%m-%d}</text>'
            f'<text x="{WIDTH - PAD}" y="{HEIGHT - 14}" font-size="11" text-anchor="end">'
            f"{last:%Y-%m-%d}</text>"
        )
    title = _(
        "%(chip)s: GPU-hours used so far (blue) against the %(released)s released (orange)"
    ) % {"chip": chip.chip, "released": f"{released:,.0f}"}
    return _frame(title, body)


def waits_svg(buckets: list[dict[str, Any]]) -> SafeString:
    """The project's jobs by how long they waited to start."""
    tallest = max([b["jobs"] for b in buckets] + [1])
    step = (WIDTH - 2 * PAD) / len(buckets)
    bars = []
    for i, bucket in enumerate(buckets):
        height = bucket["jobs"] / tallest * (HEIGHT - 2 * PAD)
        x = PAD + i * step
        bars.append(
            f'<rect x="{x + 4:.1f}" y="{HEIGHT - PAD - height:.1f}" width="{step - 8:.1f}" '
            f'height="{height:.1f}" fill="#1f5fa8"/>'
            f'<text x="{x + step / 2:.1f}" y="{HEIGHT - 14}" font-size="11" '
            f'text-anchor="middle">{escape(str(bucket["bucket"]))}</text>'
            f'<text x="{x + step / 2:.1f}" y="{HEIGHT - PAD - height - 4:.1f}" font-size="11" '
            f'text-anchor="middle">{bucket["jobs"]}</text>'
        )
    return _frame(_("The project's jobs by how long they waited to start"), "".join(bars))
