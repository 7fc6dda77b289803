"""Every column of aisc's models refuses, before the database, what does not fit it: the cases
are derived from the models themselves, so a new DecimalField, CharField or TextField is covered
the day it is added. (One test per kind of column, walking every field of that kind.)"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.db import models

from aisc.core.errors import RuleViolation
from aisc.web.catalogue.models import ChipModel, ExchangeRate
from aisc.web.portal.bounds import SYSTEM_TEXT, TEXT_LIMIT, check_bounds

Field = Any


def fields_of(*kinds: type[models.Field[Any, Any]]) -> list[tuple[type[models.Model], Field]]:
    return [
        (model, field)
        for model in apps.get_models()
        if model._meta.app_config.name.startswith("aisc.")
        for field in model._meta.concrete_fields
        if isinstance(field, kinds) and not field.primary_key
    ]


def refusal(model: type[models.Model], field: Field, value: Any) -> RuleViolation | None:
    instance = model()
    instance.__dict__[field.attname] = value
    try:
        check_bounds(instance, update_fields=[field.name])
    except RuleViolation as exc:
        return exc
    return None


def refused_with(model: type[models.Model], field: Field, value: Any, rule: str) -> bool:
    found = refusal(model, field, value)
    return found is not None and found.field == field.name and rule in found.message


def test_every_decimal_field_takes_its_largest_value_and_refuses_what_does_not_fit() -> None:
    decimals = fields_of(models.DecimalField)
    assert len(decimals) >= 15
    for model, field in decimals:
        whole = field.max_digits - field.decimal_places
        step = Decimal(1).scaleb(-field.decimal_places)
        largest = Decimal(10) ** whole - step
        assert refusal(model, field, largest) is None, field
        assert refusal(model, field, -largest) is None, field
        for bad, rule in [
            (Decimal(10) ** whole, "digit"),
            (1e20, "digit"),
            (step / 10, "decimal places"),
            (Decimal("NaN"), "Enter a number."),
            (Decimal("-Infinity"), "Enter a number."),
            ("1e", "Enter a number."),
        ]:
            assert refused_with(model, field, bad, rule), (model, field.name, bad)


def test_every_char_field_refuses_one_character_more_than_its_length() -> None:
    chars = fields_of(models.CharField)
    assert len(chars) >= 50
    for model, field in chars:
        assert refusal(model, field, "x" * field.max_length) is None, field
        rule = f"at most {field.max_length} characters"
        assert refused_with(model, field, "x" * (field.max_length + 1), rule), field


def test_every_text_field_a_person_fills_is_bounded_and_the_systems_own_are_not() -> None:
    texts = fields_of(models.TextField)
    long = "x" * (TEXT_LIMIT + 1)
    for model, field in texts:
        if f"{model._meta.app_label}.{model.__name__}.{field.name}" in SYSTEM_TEXT:
            assert refusal(model, field, long) is None, field
            continue
        assert refusal(model, field, "x" * TEXT_LIMIT) is None, field
        assert refused_with(model, field, long, f"at most {TEXT_LIMIT} characters"), field


def test_every_big_integer_field_refuses_a_value_past_64_bits() -> None:
    for model, field in fields_of(models.BigIntegerField):
        assert refusal(model, field, 2**63 - 1) is None, field
        assert refused_with(model, field, 2**63, "less than or equal to"), field


def test_none_is_refused_where_the_column_takes_no_null() -> None:
    for model, field in fields_of(models.CharField, models.TextField, models.DecimalField):
        if not field.null:
            assert refused_with(model, field, None, "This field cannot be null."), field


def test_a_save_of_a_value_that_does_not_fit_stores_nothing(db: None) -> None:
    chip = ChipModel.objects.get(code="h800")  # seeded by the catalogue's migrations
    with pytest.raises(RuleViolation) as info:
        ExchangeRate(chip=chip, valid_from="2030-01-01", factor=Decimal("1e20")).save()
    assert info.value.field == "factor"
    assert not ExchangeRate.objects.filter(valid_from="2030-01-01").exists()


def test_fields_not_being_saved_are_not_checked() -> None:
    rate = ExchangeRate(factor=Decimal("1e20"), basis="ok")
    check_bounds(rate, update_fields=["basis"])
    with pytest.raises(RuleViolation):
        check_bounds(rate)
