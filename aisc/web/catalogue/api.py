"""API of the catalogue: public chips, prices and exchange; operators' clusters and capacity;
rate-card, exchange-rate and node-state changes by the roles allowed to make them."""

# No `from __future__ import annotations` here: django-ninja resolves annotations at import.

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status

from aisc.core.catalogue.chips import PRECISIONS
from aisc.core.catalogue.exchange import ThroughputRate, convert
from aisc.core.catalogue.nodes import basis, gpus_for, nodes_for
from aisc.core.errors import RuleViolation
from aisc.web.accounts import authz
from aisc.web.catalogue.actions import (
    RateCardInput,
    do_save_exchange_rate,
    do_save_rate_card,
    do_set_node_state,
)
from aisc.web.catalogue.capacity import capacity_by_chip
from aisc.web.catalogue.chipcodes import ChipCode
from aisc.web.catalogue.models import ChipModel, Cluster, ExchangeRate, Node, RateCard

router = Router(tags=["catalogue"])


class ChipOut(Schema):
    code: str
    name: str
    vendor: str
    memory_gb: int
    peaks: dict[str, Any]


class PriceOut(Schema):
    chip: str
    price: Decimal
    dedicated_premium: Decimal
    valid_from: dt.date
    valid_to: dt.date | None


class ExchangeIn(Schema):
    gpu_hours: Decimal
    from_chip: ChipCode
    to_chip: ChipCode
    on: dt.date | None = None


class ExchangeOut(Schema):
    gpu_hours: Decimal
    from_chip: str
    to_chip: str
    on: dt.date
    converted_gpu_hours: Decimal


class RateCardIn(Schema):
    chip: ChipCode
    valid_from: dt.date
    valid_to: dt.date | None = None
    price: Decimal
    dedicated_premium: Decimal = Decimal(0)
    basis: str = ""


class ExchangeRateIn(Schema):
    chip: ChipCode
    valid_from: dt.date
    factor: Decimal
    basis: str = ""


class NodeStateIn(Schema):
    state: str
    reason: str = ""


def _price_out(card: RateCard) -> PriceOut:
    return PriceOut(
        chip=card.chip_id,
        price=card.price,
        dedicated_premium=card.dedicated_premium,
        valid_from=card.valid_from,
        valid_to=card.valid_to,
    )


@router.get("/chips", response=list[ChipOut], auth=None)
def list_chips(request: HttpRequest) -> list[ChipModel]:
    """Public: the chip catalogue with each dense peak and its source."""
    return list(ChipModel.objects.all())


@router.get("/prices", response=list[PriceOut], auth=None)
def list_prices(request: HttpRequest, on: dt.date | None = None) -> list[PriceOut]:
    """Public: the list price of each chip in force on a day (default today)."""
    day = on or timezone.localdate()
    cards = RateCard.objects.filter(valid_from__lte=day).exclude(valid_to__lte=day)
    return [_price_out(card) for card in cards.order_by("chip_id")]


@router.post("/exchange", response=ExchangeOut, auth=None)
def exchange(request: HttpRequest, body: ExchangeIn) -> ExchangeOut:
    """Public: GPU-hours on one chip as the GPU-hours on another that do the same work."""
    day = body.on or timezone.localdate()
    rates = [rate.as_core() for rate in ExchangeRate.objects.all()]
    hours = convert(body.gpu_hours, body.from_chip, body.to_chip, day, rates)
    return ExchangeOut(**{**body.dict(), "on": day}, converted_gpu_hours=hours)


# An unknown chip in the query answers 404 naming the field (the default documentation gives 404
# only to operations whose path or body names an object).
@router.get(
    "/equivalent",
    response=dict[str, Any],
    auth=None,
    openapi_extra={
        "responses": {
            404: {
                "description": "Unknown chip (the field is named)",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
        }
    },
)
def equivalent(
    request: HttpRequest, pflops: float, chip: str = "h800", precision: str = "bf16"
) -> dict[str, Any]:
    """Public: PFLOPS at a precision as GPUs and 8-GPU nodes of one chip."""
    chip = chip.lower()
    gpus = gpus_for(pflops, chip, precision)
    return {
        "pflops": pflops,
        "basis": basis(precision),
        "chip": chip,
        "gpus": gpus,
        "nodes": nodes_for(gpus),
    }


@router.get("/capacity", response=list[dict[str, Any]])
def capacity(request: HttpRequest, precision: str = "bf16") -> list[dict[str, Any]]:
    authz.require(request.user, "catalogue.view")
    if precision not in PRECISIONS:
        raise RuleViolation(f"precision must be one of {', '.join(PRECISIONS)}", field="precision")
    return [
        {
            "chip": row.chip,
            "gpus": row.gpus,
            "gpus_in_service": row.in_service,
            "pflops": round(row.pflops.value, 3) if row.pflops else None,
            "basis": f"{precision.upper()} dense",
        }
        for row in capacity_by_chip(precision)
    ]


@router.get("/clusters", response=list[dict[str, Any]])
def clusters(request: HttpRequest) -> list[dict[str, Any]]:
    authz.require(request.user, "catalogue.view")
    result = []
    for cluster in Cluster.objects.prefetch_related("partitions__nodes__node_type"):
        partitions = [
            {
                "name": partition.name,
                "nodes": [
                    {"id": n.pk, "name": n.name, "node_type": n.node_type.code, "state": n.state}
                    for n in partition.nodes.all()
                ],
            }
            for partition in cluster.partitions.all()
        ]
        result.append({"code": cluster.code, "name": cluster.name, "partitions": partitions})
    return result


@router.post("/rate-cards", response={201: PriceOut})
def create_rate_card(request: HttpRequest, body: RateCardIn) -> Status[PriceOut]:
    authz.require(request.user, "catalogue.ratecard.edit")
    card = do_save_rate_card(RateCardInput(**body.dict()), acting_user=request.user)  # type: ignore[arg-type]
    return Status(201, _price_out(card))


@router.post("/exchange-rates", response={201: dict[str, Any]})
def save_exchange_rate(request: HttpRequest, body: ExchangeRateIn) -> Status[dict[str, Any]]:
    authz.require(request.user, "catalogue.exchange.edit")
    rate = ThroughputRate(body.chip, body.valid_from, body.factor)
    row = do_save_exchange_rate(rate, acting_user=request.user, basis=body.basis)  # type: ignore[arg-type]
    body_out = {"chip": row.chip_id, "valid_from": row.valid_from, "factor": row.factor}
    return Status(201, body_out)


@router.post("/nodes/{node_id}/state", response=dict[str, Any])
def set_node_state(request: HttpRequest, node_id: int, body: NodeStateIn) -> dict[str, Any]:
    node = get_object_or_404(Node, pk=node_id)
    authz.require(request.user, "catalogue.node.edit", node)
    node = do_set_node_state(node, body.state, acting_user=request.user, reason=body.reason)  # type: ignore[arg-type]
    return {"id": node.pk, "name": node.name, "state": node.state, "reason": node.state_reason}
