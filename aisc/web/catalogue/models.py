"""The catalogue in the database: chips (seeded from aisc.core.catalogue), node types, clusters,
partitions, nodes with state, exchange rates and rate cards (both effective-dated)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from aisc.core.catalogue.exchange import ThroughputRate
from aisc.core.catalogue.rates import RateSpan


class ChipModel(models.Model):
    """A chip as published: dense peaks per precision, each with its source (JSON)."""

    code = models.SlugField(_("code"), primary_key=True, max_length=20)
    name = models.CharField(_("name"), max_length=100)
    vendor = models.CharField(_("vendor"), max_length=40)
    memory_gb = models.PositiveIntegerField(_("memory (GB)"))
    # {"bf16": {"tflops": 989.4, "source": "...", "confidence": "medium"}, ...}
    peaks = models.JSONField(_("dense peak TFLOPS per precision"), default=dict)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["code"]
        verbose_name = _("chip model")

    def __str__(self) -> str:
        return self.name


class NodeType(models.Model):
    code = models.SlugField(_("code"), unique=True, max_length=40)
    chip = models.ForeignKey(ChipModel, on_delete=models.PROTECT, verbose_name=_("chip"))
    gpus = models.PositiveIntegerField(_("GPUs per node"), validators=[MinValueValidator(1)])
    cpus = models.PositiveIntegerField(_("CPU cores"), validators=[MinValueValidator(1)])
    memory_gb = models.PositiveIntegerField(_("memory (GB)"), validators=[MinValueValidator(1)])
    interconnect = models.CharField(_("interconnect"), max_length=100)

    class Meta:
        ordering: ClassVar[list[str]] = ["code"]
        verbose_name = _("node type")

    def __str__(self) -> str:
        return f"{self.code} ({self.gpus} x {self.chip_id})"


class Cluster(models.Model):
    code = models.SlugField(_("code"), unique=True, max_length=40)
    name = models.CharField(_("name"), max_length=100)
    location = models.CharField(_("location"), max_length=200, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["code"]
        verbose_name = _("cluster")

    def __str__(self) -> str:
        return self.code


class Partition(models.Model):
    """A Slurm partition; its name is the one Slurm knows (e.g. `h800`)."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="partitions")
    name = models.SlugField(_("name"), max_length=40)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["cluster__code", "name"]
        verbose_name = _("partition")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["cluster", "name"], name="one_partition_name")
        ]

    def __str__(self) -> str:
        return f"{self.cluster.code}/{self.name}"


class NodeState(models.TextChoices):
    # The Slurm base states an operator cares about (sinfo's STATE column).
    IDLE = "idle", _("Idle")
    MIXED = "mixed", _("Mixed")
    ALLOCATED = "allocated", _("Allocated")
    RESERVED = "reserved", _("Reserved")
    DRAIN = "drain", _("Draining")
    DOWN = "down", _("Down")


# States in which a node's GPUs count as usable capacity.
IN_SERVICE = (NodeState.IDLE, NodeState.MIXED, NodeState.ALLOCATED, NodeState.RESERVED)


class Node(models.Model):
    name = models.SlugField(_("name"), max_length=60)
    partition = models.ForeignKey(Partition, on_delete=models.CASCADE, related_name="nodes")
    node_type = models.ForeignKey(NodeType, on_delete=models.PROTECT, verbose_name=_("node type"))
    state = models.CharField(
        _("state"), max_length=12, choices=NodeState.choices, default=NodeState.IDLE
    )
    state_reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["partition__cluster__code", "name"]
        verbose_name = _("node")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["partition", "name"], name="one_node_name")
        ]

    def __str__(self) -> str:
        return self.name


class ExchangeRate(models.Model):
    """Relative throughput of a chip (H800 = 1), in force from a day until the next rate."""

    chip = models.ForeignKey(ChipModel, on_delete=models.PROTECT, verbose_name=_("chip"))
    valid_from = models.DateField(_("in force from"))
    factor = models.DecimalField(_("throughput relative to H800"), max_digits=8, decimal_places=4)
    basis = models.CharField(_("basis"), max_length=200, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["chip", "valid_from"]
        verbose_name = _("exchange rate")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["chip", "valid_from"], name="one_rate_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.chip_id} x{self.factor} from {self.valid_from}"

    def as_core(self) -> ThroughputRate:
        return ThroughputRate(self.chip_id, self.valid_from, self.factor)


class RateCard(models.Model):
    """The list price of a chip, HK$ per GPU-hour, from `valid_from` until `valid_to`."""

    chip = models.ForeignKey(ChipModel, on_delete=models.PROTECT, verbose_name=_("chip"))
    valid_from = models.DateField(_("in force from"))
    valid_to = models.DateField(
        _("in force until"),
        null=True,
        blank=True,
        help_text=_("The first day it no longer applies; empty = until further notice."),
    )
    price = models.DecimalField(_("HK$ per GPU-hour"), max_digits=10, decimal_places=2)
    dedicated_premium = models.DecimalField(
        _("premium for dedicated nodes (fraction)"),
        max_digits=5,
        decimal_places=4,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    basis = models.CharField(_("basis"), max_length=200, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["chip", "valid_from"]
        verbose_name = _("rate card")

    def __str__(self) -> str:
        return f"{self.chip_id} HK${self.price} from {self.valid_from}"

    def as_core(self) -> RateSpan:
        return RateSpan(self.chip_id, self.valid_from, self.valid_to, self.price)

    def covers(self, on: dt.date) -> bool:
        return self.as_core().covers(on)


class PartitionPremium(models.Model):
    """An extra fraction on a rate card for jobs in one partition (e.g. a premium network)."""

    rate_card = models.ForeignKey(RateCard, on_delete=models.CASCADE, related_name="premiums")
    partition = models.ForeignKey(Partition, on_delete=models.CASCADE, related_name="premiums")
    premium = models.DecimalField(
        _("premium (fraction)"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0))],
    )

    class Meta:
        verbose_name = _("partition premium")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["rate_card", "partition"], name="one_premium")
        ]

    def __str__(self) -> str:
        return f"{self.partition} +{self.premium}"
