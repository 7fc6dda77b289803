"""One way to sort, filter and page every list: a ListSpec drives a queryset from the request.

The view keeps its visibility queryset (who may see which rows) as the base; the spec only
narrows and orders it, so no filter can show a row the base does not:

    APPLICATIONS = ListSpec(
        sorts={"created": "created_at", "title": "title", "status": "status"},
        default="-created",
        filters=(Choice("status", _("Status"), "status", ApplicationStatus.choices),
                 Search("q", _("Search"), ("title", "organisation__name_en"))),
    )
    listed = APPLICATIONS.apply(request, queries.visible_applications(user))
    # template: {% include "partials/list_filters.html" with listed=listed %}, then
    # {% include "partials/sort_header.html" with listed=listed key="title" label=... %} per
    # column, rows from listed.rows, {% include "partials/pager.html" with listed=listed %}

Sort keys are named by the spec, never raw field names from the request: an unknown `sort`, an
a page out of range falls back to the default, and a choice not offered matches no row: nothing
in the query string makes a list fail.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.functional import Promise

Label = str | Promise


@dataclass(frozen=True)
class Choice:
    """Rows whose `lookup` equals the chosen value; empty means all, a value not among
    `choices` (value, label) matches no row (a month with no statements lists none)."""

    name: str
    label: Label
    lookup: str
    choices: Sequence[tuple[Any, Label]]

    def narrow(self, rows: QuerySet[Any], value: str) -> QuerySet[Any]:
        if not value:
            return rows
        if value not in {str(v) for v, _ in self.choices}:
            return rows.none()
        return rows.filter(**{self.lookup: value})


@dataclass(frozen=True)
class Search:
    """Rows where any of `lookups` contains the text (case-insensitive)."""

    name: str
    label: Label
    lookups: Sequence[str]
    choices: Sequence[tuple[Any, Label]] = ()

    def narrow(self, rows: QuerySet[Any], value: str) -> QuerySet[Any]:
        # A NUL never gets here: aisc.web.portal.request_guard refuses it in any query string.
        text = value.strip()[:100]
        if not text:
            return rows
        match = Q()
        for lookup in self.lookups:
            match |= Q(**{f"{lookup}__icontains": text})
        return rows.filter(match)


Filter = Choice | Search


@dataclass(frozen=True)
class ListSpec:
    sorts: dict[str, str]  # the key in the URL -> the field it orders by
    default: str  # a key of sorts, "-" in front for descending
    filters: tuple[Filter, ...] = ()
    per_page: int = 25
    # Orders rows the chosen key leaves tied, so pages never overlap.
    tiebreak: str = "-pk"
    # Parameters a page's own filter form narrows by (the view applies them): the sort and page
    # links carry them along, so sorting or paging never drops a filter.
    keep: tuple[str, ...] = ()

    def apply(self, request: HttpRequest, rows: QuerySet[Any]) -> Listed:
        given = request.GET
        values = {f.name: given.get(f.name, "") for f in self.filters}
        values.update({name: given.get(name, "") for name in self.keep})
        for spec in self.filters:
            rows = spec.narrow(rows, values[spec.name])
        sort = given.get("sort", "")
        if sort.lstrip("-") not in self.sorts:
            sort = self.default
        descending = sort.startswith("-")
        order = self.sorts[sort.lstrip("-")]
        rows = rows.order_by(f"-{order}" if descending else order, self.tiebreak)
        page = Paginator(rows, self.per_page).get_page(given.get("page"))
        return Listed(
            spec=self, page=page, sort=sort.lstrip("-"), descending=descending, values=values
        )


@dataclass
class Listed:
    """What a template needs: the page's rows, the sort, the filters' values, and links."""

    spec: ListSpec
    page: Page[Any]
    sort: str
    descending: bool
    values: dict[str, str] = field(default_factory=dict)

    @property
    def rows(self) -> Iterable[Any]:
        return self.page.object_list

    @property
    def narrowed(self) -> bool:
        """Whether a filter or search holds a value (an empty list is then the filters' doing)."""
        return any(self.values.values())

    @property
    def filters(self) -> list[dict[str, Any]]:
        return [
            {
                "name": f.name,
                "label": f.label,
                "value": self.values.get(f.name, ""),
                "choices": [(str(v), label) for v, label in f.choices],
                "search": isinstance(f, Search),
            }
            for f in self.spec.filters
        ]

    def query(self, **changes: Any) -> str:
        """This list's query string with some parameters changed (None drops one)."""
        params: dict[str, Any] = {k: v for k, v in self.values.items() if v}
        params["sort"] = f"-{self.sort}" if self.descending else self.sort
        params.update(changes)
        return "?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})

    def sort_link(self, key: str) -> str:
        """Sorts by key; the current key again reverses it. Back to the first page."""
        descending = not self.descending if key == self.sort else False
        return self.query(sort=f"-{key}" if descending else key, page=None)

    def page_link(self, number: int) -> str:
        return self.query(page=number)

    def headers(self, columns: Sequence[tuple[str, Label]]) -> list[dict[str, Any]]:
        """Each column's label, its sort link (None where the spec does not sort by it) and its
        aria-sort state (ascending, descending or none)."""
        out = []
        for key, label in columns:
            sortable = key in self.spec.sorts
            state = "none"
            if key == self.sort:
                state = "descending" if self.descending else "ascending"
            out.append(
                {
                    "key": key,
                    "label": label,
                    "link": self.sort_link(key) if sortable else None,
                    "state": state if sortable else None,
                }
            )
        return out

    @property
    def pager(self) -> dict[str, Any]:
        page = self.page
        return {
            "number": page.number,
            "pages": page.paginator.num_pages,
            "count": page.paginator.count,
            "previous": self.page_link(page.previous_page_number())
            if page.has_previous()
            else None,
            "next": self.page_link(page.next_page_number()) if page.has_next() else None,
        }

    @property
    def sort_value(self) -> str:
        return f"-{self.sort}" if self.descending else self.sort
