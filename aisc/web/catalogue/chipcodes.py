"""Chip codes as forms and the API take them: in any case (`H800` and `h800` are one chip).

The catalogue stores codes in lower case (aisc.core.catalogue.chips); a code typed in capitals,
in a query string or a JSON body, is lowered before it is checked against the choices.
"""

from __future__ import annotations

from typing import Annotated, Any

from django import forms
from pydantic import BeforeValidator


def lower_code(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


# A JSON field holding a chip code; what is not a string is left for the schema to refuse.
ChipCode = Annotated[str, BeforeValidator(lower_code)]


class ChipCharField(forms.CharField):
    """A chip code typed as free text (checked later against what the record names)."""

    def to_python(self, value: Any) -> str:
        return str(lower_code(super().to_python(value)))


class ChipChoiceField(forms.ChoiceField):
    def to_python(self, value: Any) -> str:
        return str(lower_code(super().to_python(value)))


class ChipMultipleChoiceField(forms.MultipleChoiceField):
    def to_python(self, value: Any) -> list[str]:
        return [str(lower_code(v)) for v in super().to_python(value)]
