"""Admin for the whole catalogue, read-only but for rate cards and exchange rates, which save
through their do_* actions, so an admin edit is validated (no gap, no overlap) and audited like
any other, and are never deleted (a card is superseded by a new one)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from aisc.core.catalogue.exchange import ThroughputRate, check_rates
from aisc.core.catalogue.rates import RateSpan, check_rate_cards, supersede
from aisc.core.errors import AiscError
from aisc.web.audit.admin import ReadOnlyAdmin
from aisc.web.catalogue.actions import (
    RateCardInput,
    do_save_exchange_rate,
    do_save_rate_card,
    do_set_partition_premiums,
)
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

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

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

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The premiums inline saves through do_set_partition_premiums (audited), not itself."""
        premiums: dict[int, Decimal] = {}
        for formset in formsets:
            # what the admin's change message reads of a formset it saved itself
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            for row in formset.forms:
                data = getattr(row, "cleaned_data", None) or {}
                if data.get("partition") is not None and not data.get("DELETE"):
                    premiums[data["partition"].pk] = data["premium"]
        do_set_partition_premiums(form.instance, premiums, acting_user=request.user)  # type: ignore[arg-type]


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

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a new rate from a date supersedes: add, never edit (see save_model)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ExchangeRate, form: Any, change: bool) -> None:
        rate = ThroughputRate(obj.chip_id, obj.valid_from, obj.factor)
        saved = do_save_exchange_rate(rate, acting_user=request.user, basis=obj.basis)  # type: ignore[arg-type]
        obj.pk = saved.pk


@admin.register(ChipModel)
class ChipModelAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "vendor", "memory_gb")


@admin.register(NodeType)
class NodeTypeAdmin(ReadOnlyAdmin):
    list_display = ("code", "chip", "gpus", "cpus", "memory_gb", "interconnect")


@admin.register(Cluster)
class ClusterAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "location")


@admin.register(Partition)
class PartitionAdmin(ReadOnlyAdmin):
    list_display = ("name", "cluster", "description")


@admin.register(Node)
class NodeAdmin(ReadOnlyAdmin):
    list_display = ("name", "partition", "node_type", "state", "state_reason")
    list_filter = ("state", "partition")
