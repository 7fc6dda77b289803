"""POST /api/v1/estimate: the compute-need estimator.

Public, with no log-in: it is arithmetic over published figures, stores nothing and reads no
one's data, and a prospective applicant should be able to size a request before registering.
Because it changes nothing, it needs no CSRF protection either. Same JSON keys as
`aisc estimate --json`; a bound that is broken is answered 422 naming the field.
"""

# No `from __future__ import annotations` here: django-ninja resolves annotations at import.

import dataclasses
from typing import TYPE_CHECKING, Any, get_type_hints

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import create_model

from aisc.core.estimate import EstimateInput, estimate

router = Router(tags=["estimate"])


def schema_of(cls: type[Any], name: str) -> type[Schema]:
    """The request schema of a core input dataclass: its fields, types and defaults, so a field
    added to the estimator reaches the API without being typed a second time. The bounds stay
    the dataclass's own (checked in __post_init__, answered 422 naming the field)."""
    hints = get_type_hints(cls)
    fields: dict[str, Any] = {
        f.name: (hints[f.name], ... if f.default is dataclasses.MISSING else f.default)
        for f in dataclasses.fields(cls)
    }
    schema: type[Schema] = create_model(name, __base__=Schema, **fields)
    return schema


if TYPE_CHECKING:

    class EstimateIn(Schema):
        """For the type checker: the fields are EstimateInput's."""

else:
    EstimateIn = schema_of(EstimateInput, "EstimateIn")


@router.post("", response=dict[str, Any], auth=None)
def post_estimate(request: HttpRequest, body: EstimateIn) -> dict[str, Any]:
    return estimate(EstimateInput(**body.dict())).as_dict()
