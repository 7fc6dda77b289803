"""Capacity by chip from the nodes on record: GPU counts stored, PFLOPS derived with a basis."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Sum

from aisc.core.catalogue.nodes import pflops
from aisc.core.errors import NotFound
from aisc.core.units import Pflops
from aisc.web.catalogue.models import IN_SERVICE, Node, RateCard


@dataclass(frozen=True)
class ChipCapacity:
    chip: str
    gpus: int
    in_service: int
    pflops: Pflops | None  # None when the chip has no published peak at this precision


def _gpus_by_chip(in_service_only: bool) -> dict[str, int]:
    nodes = Node.objects.all()
    if in_service_only:
        nodes = nodes.filter(state__in=IN_SERVICE)
    rows = nodes.values("node_type__chip").annotate(gpus=Sum("node_type__gpus"))
    return {row["node_type__chip"]: int(row["gpus"]) for row in rows}


def capacity_by_chip(precision: str) -> list[ChipCapacity]:
    total, usable = _gpus_by_chip(False), _gpus_by_chip(True)
    result = []
    for chip in sorted(total):
        try:
            peak: Pflops | None = pflops({chip: total[chip]}, precision)
        except NotFound:
            peak = None
        result.append(ChipCapacity(chip, total[chip], usable.get(chip, 0), peak))
    return result


def offered_chips() -> list[str]:
    """The chips the centre offers: it runs nodes of them and has a price for them."""
    priced = set(RateCard.objects.values_list("chip_id", flat=True))
    return sorted(chip for chip in _gpus_by_chip(False) if chip in priced)
