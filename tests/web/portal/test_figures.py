"""The template filters for money, large counts and status tags, in both languages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from aisc.web.portal.templatetags.figures import big, money, tone


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1234567.891"), "HK$1,234,567.89"),
        (1234567.885, "HK$1,234,567.89"),
        (0, "HK$0.00"),
        ("-1500.5", "-HK$1,500.50"),
        (None, "—"),
        ("", "—"),
        ("not a number", "—"),
        (True, "—"),
    ],
)
def test_money_is_hong_kong_dollars_grouped_by_thousands_to_the_cent(
    value: object, shown: str
) -> None:
    assert money(value) == shown


def test_money_reads_the_same_in_chinese() -> None:
    with translation.override("zh-hant"):
        assert money(Decimal("1234567.89")) == "HK$1,234,567.89"


@pytest.mark.parametrize(
    ("value", "english", "chinese"),
    [
        (7_000_000_000, "7 B", "70億"),
        (2_000_000_000_000, "2 T", "2兆"),
        (1_500_000_000_000, "1.5 T", "1.5兆"),
        (13_400_000, "13.4 M", "1340萬"),
        (4096, "4.1 K", "4,096"),
        (512, "512", "512"),
        (None, "—", "—"),
    ],
)
def test_large_counts_read_in_each_languages_own_units(
    value: object, english: str, chinese: str
) -> None:
    with translation.override("en"):
        assert big(value) == english
    with translation.override("zh-hant"):
        assert big(value) == chinese


@pytest.mark.parametrize(
    ("status", "shown"),
    [("active", "good"), ("in_review", "wait"), ("rejected", "bad"), ("closed", "")],
)
def test_a_status_gets_the_tone_of_what_it_asks_of_the_reader(status: str, shown: str) -> None:
    assert tone(status) == shown


def test_templates_load_the_filters_by_name() -> None:
    rendered = Template("{% load figures %}{{ a|money }} {{ n|big }} {{ s|tone }}").render(
        Context({"a": 12.5, "n": 7e9, "s": "active"})
    )
    assert rendered == "HK$12.50 7 B good"
