"""A paginated list written out as JSON from plain rows, without django-ninja's validation of each
item through its schema (ninja checks every attribute of every item against the declared
schema, then dumps it again: about a fifth of the CPU of a list call of the read API).

The operation still declares its schema (`response=list[ItemOut]`) and keeps ninja's @paginate,
so the OpenAPI document, the page parameters and their errors are ninja's; only the answer is
written here: `{"items": [...], "count": N}` by ninja's own JSON encoder, each item's keys in the
schema's order. The rows must already hold what the schema would make of them (a model's
`.values()` of fields of the same types, or dicts built to the schema); the tests of each list
compare the bytes with what ninja writes through the schema.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Schema
from ninja.renderers import JSONRenderer

CONTENT_TYPE = f"{JSONRenderer.media_type}; charset={JSONRenderer.charset}"


def fields_of(schema: type[Schema]) -> tuple[str, ...]:
    """The schema's fields in the order ninja writes them (a parent's first)."""
    return tuple(schema.model_fields)


def as_json(schema: type[Schema], page: Mapping[str, Any]) -> HttpResponse:
    """A page of ninja's page-number pagination ({"items", "count"}) as ninja writes it."""
    names = fields_of(schema)
    items = [{name: row[name] for name in names} for row in page["items"]]
    body = json.dumps({"items": items, "count": page["count"]}, cls=JSONRenderer.encoder_class)
    return HttpResponse(body, content_type=CONTENT_TYPE)


def written_out(schema: type[Schema]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Above @paginate: the page it returns, written as JSON here.

    @router.get("/things", response=list[ThingOut])
    @written_out(ThingOut)
    @paginate(page_size=50)
    def list_things(request): return Thing.objects.values(*fields_of(ThingOut))
    """

    def decorate(paginated: Callable[..., Any]) -> Callable[..., Any]:
        # functools.wraps keeps what @paginate contributes to the operation (its parameters and
        # its paged response schema).
        @functools.wraps(paginated)
        def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            return as_json(schema, paginated(request, **kwargs))

        return view

    return decorate
