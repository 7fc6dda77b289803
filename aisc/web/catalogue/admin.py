"""Admin for the whole catalogue. Rate cards and exchange rates save through their do_* actions,
so an admin edit is validated (no gap, no overlap) and audited like any other."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from aisc.core.catalogue.exchange import ThroughputRate, check_rates
from aisc.core.catalogue.rates import RateSpan, check_rate_cards, supersede
from aisc.core.errors import AiscError
from aisc.web.catalogue.actions import RateCardInput, do_save_exchange_rate, do_save_rate_card
from aisc.web.catalogue.models import (
    ChipModel,
    Cluster,
    ExchangeRate,
    Node,
    NodeType,
    Partition,
    PartitionPremium,
    RateCard,
)


def _as_validation_error(exc: AiscError) -> ValidationError:
    return ValidationError({exc.field: exc.message} if exc.field else exc.message)


class RateCardForm(forms.ModelForm[RateCard]):
    class Meta:
        model = RateCard
        fields = ("chip", "valid_from", "valid_to", "price", "dedicated_premium", "basis")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        chip = data["chip"].code
        others = [
            c.as_core() for c in RateCard.objects.filter(chip_id=chip).exclude(pk=self.instance.pk)
        ]
        span = RateSpan(chip, data["valid_from"], data.get("valid_to"), data["price"])
        try:
            if self.instance.pk:
                check_rate_cards([*others, span])
            else:
                supersede(others, span)  # as the action will: a new card ends the open one
        except AiscError as exc:
            raise _as_validation_error(exc) from exc
        return data


class PremiumInline(admin.TabularInline[PartitionPremium, RateCard]):
    model = PartitionPremium
    extra = 0


@admin.register(RateCard)
class RateCardAdmin(admin.ModelAdmin[RateCard]):
    form = RateCardForm
    list_display = ("chip", "price", "dedicated_premium", "valid_from", "valid_to")
    list_filter = ("chip",)
    inlines = (PremiumInline,)

    def save_model(self, request: HttpRequest, obj: RateCard, form: Any, change: bool) -> None:
        given = RateCardInput(
            chip=obj.chip_id,
            valid_from=obj.valid_from,
            valid_to=obj.valid_to,
            price=obj.price,
            dedicated_premium=obj.dedicated_premium,
            basis=obj.basis,
        )
        existing = RateCard.objects.get(pk=obj.pk) if change else None
        saved = do_save_rate_card(given, acting_user=request.user, card=existing)  # type: ignore[arg-type]
        obj.pk = saved.pk


class ExchangeRateForm(forms.ModelForm[ExchangeRate]):
    class Meta:
        model = ExchangeRate
        fields = ("chip", "valid_from", "factor", "basis")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            try:
                check_rates([ThroughputRate(data["chip"].code, data["valid_from"], data["factor"])])
            except AiscError as exc:
                raise _as_validation_error(exc) from exc
        return data


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin[ExchangeRate]):
    form = ExchangeRateForm
    list_display = ("chip", "factor", "valid_from", "basis")
    list_filter = ("chip",)

    def save_model(self, request: HttpRequest, obj: ExchangeRate, form: Any, change: bool) -> None:
        rate = ThroughputRate(obj.chip_id, obj.valid_from, obj.factor)
        saved = do_save_exchange_rate(rate, acting_user=request.user, basis=obj.basis)  # type: ignore[arg-type]
        obj.pk = saved.pk


@admin.register(ChipModel)
class ChipModelAdmin(admin.ModelAdmin[ChipModel]):
    list_display = ("code", "name", "vendor", "memory_gb")


@admin.register(NodeType)
class NodeTypeAdmin(admin.ModelAdmin[NodeType]):
    list_display = ("code", "chip", "gpus", "cpus", "memory_gb", "interconnect")


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin[Cluster]):
    list_display = ("code", "name", "location")


@admin.register(Partition)
class PartitionAdmin(admin.ModelAdmin[Partition]):
    list_display = ("name", "cluster", "description")


@admin.register(Node)
class NodeAdmin(admin.ModelAdmin[Node]):
    list_display = ("name", "partition", "node_type", "state", "state_reason")
    list_filter = ("state", "partition")
