"""Demo catalogue: cluster `aisc-hk` with the Slurm test cluster's partitions and node names
(scripts/slurm-test-cluster.d/slurm.conf: h800-[01-02], br104-[01-02]), rate cards at the
reference prices and exchange rates from the dense peak ratios, both in force from the AISS
opening day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from aisc.core.catalogue.chips import CHIPS
from aisc.core.catalogue.exchange import default_rates
from aisc.core.catalogue.nodes import STANDARD_NODE_TYPES
from aisc.core.catalogue.rates import reference_price
from aisc.web.catalogue.actions import RateCardInput, do_save_exchange_rate, do_save_rate_card
from aisc.web.catalogue.models import (
    ChipModel,
    Cluster,
    ExchangeRate,
    Node,
    NodeType,
    Partition,
    RateCard,
)
from aisc.web.catalogue.seed import seed_chips
from aisc.web.demo import DemoReport

# The AISS opened for applications on 7 Oct 2024 (domain-facts §1.1).
PRICES_FROM = dt.date(2024, 10, 7)
NODES = {"h800": ("h800x8", ["h800-01", "h800-02"]), "br104": ("br104x8", ["br104-01", "br104-02"])}
# Dedicated nodes carry a premium for the idle time nobody else may use (an assumption).
DEDICATED_PREMIUM = "0.1000"


@transaction.atomic
def load(report: DemoReport) -> None:
    load_inventory()
    _load_prices()
    report.notes.append("catalogue: cluster aisc-hk, partitions h800 and br104, rate cards")


def load_inventory() -> None:
    """The demo cluster's nodes (16 H800 and 16 BR104 GPUs): the capacity allocations draw on."""
    seed_chips(ChipModel)
    cluster, _ = Cluster.objects.get_or_create(
        code="aisc-hk", defaults={"name": "AISC Hong Kong", "location": "Cyberport, Hong Kong"}
    )
    for partition_name, (type_code, names) in NODES.items():
        spec = STANDARD_NODE_TYPES[type_code]
        node_type, _ = NodeType.objects.get_or_create(
            code=spec.code,
            defaults={
                "chip_id": spec.chip,
                "gpus": spec.gpus,
                "cpus": spec.cpus,
                "memory_gb": spec.memory_gb,
                "interconnect": spec.interconnect,
            },
        )
        partition, _ = Partition.objects.get_or_create(
            cluster=cluster,
            name=partition_name,
            defaults={"description": f"{spec.gpus} x {CHIPS[spec.chip].name} per node"},
        )
        for name in names:
            Node.objects.get_or_create(
                partition=partition, name=name, defaults={"node_type": node_type}
            )


def _load_prices() -> None:
    for code in CHIPS:
        if not RateCard.objects.filter(chip_id=code).exists():
            ref = reference_price(code)
            given = RateCardInput(
                code, PRICES_FROM, None, ref.hkd, Decimal(DEDICATED_PREMIUM), ref.basis
            )
            do_save_rate_card(given, acting_user=None)
    for rate in default_rates(PRICES_FROM):
        if not ExchangeRate.objects.filter(chip_id=rate.chip).exists():
            do_save_exchange_rate(rate, acting_user=None, basis="dense peak ratio to H800")
