"""POST /api/v1/estimate: the compute-need estimator.

Public, with no log-in: it is arithmetic over published figures, stores nothing and reads no
one's data, and a prospective applicant should be able to size a request before registering.
Because it changes nothing, it needs no CSRF protection either. Same JSON keys as
`aisc estimate --json`; a bound that is broken is answered 422 naming the field.
"""

# No `from __future__ import annotations` here: django-ninja resolves annotations at import.

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from aisc.core.estimate import EstimateInput, Workload, estimate

router = Router(tags=["estimate"])


class EstimateIn(Schema):
    params: float
    tokens: float
    chip: str
    precision: str = "bf16"
    workload: Workload = Workload.PRETRAIN
    active_params: float | None = None
    epochs: float = 1.0
    seq_len: int | None = None
    mfu: float | None = None
    request_gpus: int | None = None
    request_months: float | None = None
    moe: bool | None = None
    weight_bits: int = 16
    goodput: float | None = None


@router.post("", response=dict[str, Any], auth=None)
def post_estimate(request: HttpRequest, body: EstimateIn) -> dict[str, Any]:
    return estimate(EstimateInput(**body.dict())).as_dict()
