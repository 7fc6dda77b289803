"""The API's reading of a request body, stricter than ninja's: text holding the NUL character is
refused naming its field (aisc.core.text's rule, in the words of aisc.web.i18n.nul_rule; a query
string is held to it by aisc.web.portal.request_guard), and so are NaN and Infinity, which
Python's json module reads but JSON (RFC 8259) does not have. A body that is not JSON says
where it breaks; one that is not an object (every operation takes one) is refused, not read as
no fields.

ninja turns any exception of `parse_body` into a 400 "Cannot parse request body" raised from
it; `aisc.web.api.errors` reads that exception's cause and answers with the reason below.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI, Router
from ninja.params.models import BodyModel
from ninja.parser import Parser
from pydantic import BaseModel

from aisc.core.text import nul_in
from aisc.web.i18n import nul_rule


class TextWithNul(ValueError):
    def __init__(self, field: str | None) -> None:
        self.message = nul_rule()
        super().__init__(self.message)
        self.field = field


class NotJson(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _refuse_constant(name: str) -> Any:
    raise NotJson(f"the request body is not JSON: {name} is not a JSON number")


class StrictParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        try:
            data = json.loads(request.body, parse_constant=_refuse_constant)
        except json.JSONDecodeError as exc:
            raise NotJson(
                f"the request body is not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
            ) from exc
        except UnicodeDecodeError as exc:
            raise NotJson("the request body is not JSON: it is not UTF-8 text") from exc
        if not isinstance(data, dict):
            raise NotJson("the request body must be a JSON object ({...})")
        found, field = nul_in(data)
        if found:
            raise TextWithNul(field)
        return data


def forbid_unknown_fields(api: NinjaAPI) -> None:
    """Every request body's schema refuses a field it does not have (422 naming it), instead of
    dropping it without a word: a misspelt optional field would otherwise be lost unnoticed."""
    for _prefix, router in api._routers:
        _forbid_in(router)


def _forbid_in(router: Router) -> None:
    for path_view in router.path_operations.values():
        for operation in path_view.operations:
            for model in operation.models:
                if issubclass(model, BodyModel):
                    for field in model.model_fields.values():
                        _forbid(field.annotation)
                    model.model_rebuild(force=True)
    for _prefix, child, _tags in router._routers:
        _forbid_in(child)


def _forbid(annotation: Any) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for field in annotation.model_fields.values():
            _forbid(field.annotation)
        annotation.model_config["extra"] = "forbid"
        annotation.model_rebuild(force=True)
