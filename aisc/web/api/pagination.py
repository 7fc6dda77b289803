"""Page-number pagination with a ceiling on the page: an absurd page (99999999999999999999)
would overflow the database's offset, so it is refused with 400 naming `page`.

The page is read first, and the list counted only when the page cannot tell the count: a page
that is neither full nor empty is the last one, so the count is the items before it and on it
(one query a call instead of two for every list of under a page, the read API's usual answer);
a full page, or an empty page past the first, is counted as django-ninja counts it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja.pagination import PageNumberPagination

from aisc.web.api.errors import BadParameter

# 100 items a page at most, so ten million items: more than any list here will hold.
MAX_PAGE = 100_000


class Pages(PageNumberPagination):
    def paginate_queryset(
        self,
        queryset: QuerySet[Any],
        pagination: PageNumberPagination.Input,
        request: HttpRequest,
        **params: Any,
    ) -> Any:
        if pagination.page > MAX_PAGE:
            raise BadParameter(f"must be between 1 and {MAX_PAGE}", field="page")
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        items = list(queryset[offset : offset + page_size])
        last = len(items) < page_size and (items or offset == 0)
        count = offset + len(items) if last else self._items_count(queryset)
        return {self.items_attribute: items, "count": count}
