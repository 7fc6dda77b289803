"""Page-number pagination with a ceiling on the page: an absurd page (99999999999999999999)
would overflow the database's offset, so it is refused with 400 naming `page`."""

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
        return super().paginate_queryset(queryset, pagination, request, **params)
