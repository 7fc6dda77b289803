"""Every value saved into one of aisc's models is checked against its column before the database
sees it, whichever path saves it (API, portal form, admin, action, command): decimals within
their digits and decimal places and finite, integers within the column's range, text within its
length, and None only where the column takes NULL. SQLite would store an out-of-range value
(and the pages reading it back would fail for everyone); PostgreSQL would refuse it with an
error that surfaces as a 500. Here it is a
RuleViolation naming the field, which the API answers 422 and the portal shows on the form.

A TextField has no length in the database; a user's text is held to TEXT_LIMIT characters
(about ten pages), the system's own texts (mail bodies, error logs, rejected input lines) are not.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import (
    DecimalValidator,
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
)
from django.db import connection, models
from django.db.models.signals import pre_save

from aisc.core.errors import RuleViolation

TEXT_LIMIT = 20_000
# "app_label.Model.field" of text the system writes, bounded by what writes it.
SYSTEM_TEXT = frozenset(
    {
        "notify.DigestItem.body",
        "outbox.OutboxMessage.last_error",
        "outbox.TaskRun.last_error",
        "billing.RejectedLine.line",
        "billing.RejectedLine.message",
        "allocations.Allocation.sync_message",
    }
)


BOUNDED = (models.DecimalField, models.CharField, models.TextField, models.IntegerField)
Check = Callable[[Any], None]


def as_decimal(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationError("Enter a number.", code="invalid") from exc


def unbounded(value: Any) -> None:
    """Any value fits (a TextField the system writes)."""


def checker(model: type[models.Model], field: models.Field[Any, Any]) -> Check | None:
    """What `field` of `model` asks of a value (None: nothing), built once per field: a save
    then costs a few comparisons per field, not new validators."""
    if not isinstance(field, BOUNDED) or field.primary_key:
        return None
    not_null = not field.null
    fits: Check = unbounded  # replaced below for the kinds that have a bound
    if isinstance(field, models.DecimalField):
        digits = DecimalValidator(field.max_digits, field.decimal_places)

        def fits(value: Any) -> None:
            number = as_decimal(value)
            if not number.is_finite():
                raise ValidationError("Enter a number.", code="invalid")
            digits(number)

    elif isinstance(field, models.CharField | models.TextField):
        limit = field.max_length
        name = f"{model._meta.app_label}.{model.__name__}.{field.name}"
        if limit is None and isinstance(field, models.TextField) and name not in SYSTEM_TEXT:
            limit = TEXT_LIMIT
        if limit is not None:
            longest = MaxLengthValidator(limit)

            def fits(value: Any) -> None:
                if isinstance(value, str) and len(value) > limit:
                    longest(value)

    else:
        low, high = connection.ops.integer_field_range(field.get_internal_type())

        def fits(value: Any) -> None:
            if not isinstance(value, int):
                return
            if low is not None and value < low:
                MinValueValidator(low)(value)
            if high is not None and value > high:
                MaxValueValidator(high)(value)

    def check(value: Any) -> None:
        if value is None:
            # Django's full_clean lets None through a blank field; the column would refuse it.
            if not_null:
                raise ValidationError("This field cannot be null.", code="null")
            return
        fits(value)

    return check


@functools.cache
def checks_of(model: type[models.Model]) -> tuple[tuple[str, str, Check], ...]:
    found = ((f.name, f.attname, checker(model, f)) for f in model._meta.concrete_fields)
    return tuple((name, attname, check) for name, attname, check in found if check is not None)


def check_field(model: type[models.Model], field: models.Field[Any, Any], value: Any) -> None:
    """Raises ValidationError when `value` does not fit `field`'s column."""
    check = checker(model, field)
    if check is not None:
        check(value)


def check_bounds(instance: models.Model, update_fields: Any = None) -> None:
    """The first field of `instance` (of those being saved) that does not fit, as a
    RuleViolation naming it."""
    values = instance.__dict__
    for name, attname, check in checks_of(type(instance)):
        if update_fields is not None and name not in update_fields:
            continue
        if attname not in values:
            continue  # deferred: not loaded, so not changed
        try:
            check(values[attname])
        except ValidationError as exc:
            raise RuleViolation(" ".join(exc.messages), field=name) from exc


def guard(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if sender._meta.app_config is not None and sender._meta.app_config.name.startswith("aisc."):
        check_bounds(instance, kwargs.get("update_fields"))


pre_save.connect(guard, dispatch_uid="aisc.web.portal.bounds.guard")
