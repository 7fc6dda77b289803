"""Template filters for what every page shows: money, large counts and statuses.

{% load figures %}
{{ amount|money }}          HK$1,234,567.89 (both languages group by thousands, as Hong Kong
                            writes money in either; None shows a dash)
{{ n|big }}                 7 B, 2 T in English; 70億, 2兆 in Chinese (myriads: 萬 億 兆)
{{ status|tone }}           the status tag's class: good, wait, bad or '' (neutral)
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.translation import get_language

register = template.Library()

DASH = "—"
# Short scale in English, myriads in Chinese: the largest unit the number reaches.
ENGLISH_UNITS = (
    (Decimal(10) ** 12, "T"),
    (Decimal(10) ** 9, "B"),
    (Decimal(10) ** 6, "M"),
    (Decimal(10) ** 3, "K"),
)
CHINESE_UNITS = ((Decimal(10) ** 12, "兆"), (Decimal(10) ** 8, "億"), (Decimal(10) ** 4, "萬"))

# What a status asks of the reader: done and well (good), waiting on someone (wait), ended badly
# or stopped (bad). A status not named here is neutral.
GOOD = {
    "approved",
    "approved_in_part",
    "active",
    "completed",
    "accepted",
    "published",
    "verified",
    "sent",
    "open",
}
WAIT = {"submitted", "in_review", "assigned", "pending", "returned", "deferred", "draft"}
BAD = {
    "rejected",
    "ineligible",
    "cancelled",
    "withdrawn",
    "suspended",
    "exhausted",
    "expired",
    "dead",
    "conflicted",
    "refused",
}


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def money(value: object) -> str:
    amount = _decimal(value)
    if amount is None:
        return DASH
    rounded = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    return f"{sign}HK${abs(rounded):,.2f}"


@register.filter
def big(value: object) -> str:
    number = _decimal(value)
    if number is None:
        return DASH
    chinese = (get_language() or "").lower().startswith("zh")
    units = CHINESE_UNITS if chinese else ENGLISH_UNITS
    for size, unit in units:
        if abs(number) >= size:
            scaled = (number / size).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP).normalize()
            shown = f"{scaled:f}"
            return f"{shown}{unit}" if chinese else f"{shown} {unit}"
    return f"{number.normalize():,f}"


@register.filter
def tone(status: object) -> str:
    name = str(status)
    if name in GOOD:
        return "good"
    if name in WAIT:
        return "wait"
    if name in BAD:
        return "bad"
    return ""
