"""aisc.web.api.pagination.Pages: every page of a list of 0 to 7 items answers what
django-ninja's page-number pagination answers (the items and the count), and counts the list
with a second query only when the page cannot tell the count."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.http import HttpRequest
from django.test.utils import CaptureQueriesContext
from ninja.pagination import PageNumberPagination

from aisc.web.accounts.models import RateCount
from aisc.web.api.pagination import Pages

pytestmark = pytest.mark.django_db


def page(paginator: PageNumberPagination, number: int) -> tuple[dict[str, Any], int]:
    """The page as (items as a list, count) and the queries it ran."""
    rows = RateCount.objects.order_by("bucket").values_list("bucket", flat=True)
    with CaptureQueriesContext(connection) as queries:
        asked = PageNumberPagination.Input(page=number, page_size=None)
        answer = paginator.paginate_queryset(rows, asked, HttpRequest())
        answer["items"] = list(answer["items"])
    return answer, len(queries)


@pytest.mark.parametrize("stored", [0, 2, 3, 7])
def test_every_page_answers_what_ninja_answers_and_counts_only_when_it_must(stored: int) -> None:
    RateCount.objects.bulk_create(
        RateCount(f"b{n}", slot=1, count=1, previous=0, expires=2) for n in range(stored)
    )
    for number in range(1, 5):
        ours, queries = page(Pages(page_size=3), number)
        theirs, _ = page(PageNumberPagination(page_size=3), number)
        assert ours == theirs, (stored, number)
        items = len(ours["items"])
        last = 0 < items < 3 or (number == 1 and items < 3)
        assert queries == (1 if last else 2), (stored, number)


def test_a_page_past_the_ceiling_is_still_refused_before_any_query(db: None) -> None:
    from aisc.web.api.errors import BadParameter

    with pytest.raises(BadParameter, match="between 1 and 100000"):
        page(Pages(page_size=3), 100_001)
