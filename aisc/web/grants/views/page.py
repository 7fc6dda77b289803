"""What grants pages share: the acting user, the language, refusals on forms, the estimate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import get_language

from aisc.core.errors import AiscError
from aisc.web.accounts.models import User


def user_of(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def is_zh(request: HttpRequest) -> bool:
    return (get_language() or "").startswith("zh")


def refuse(request: HttpRequest, exc: AiscError, form: forms.BaseForm | None = None) -> None:
    """Show a refusal next to its field (or at the top), naming the field and the rule."""
    if form is not None and exc.field in form.fields:
        form.add_error(exc.field, exc.message)
        return
    prefix = f"{exc.field}: " if exc.field else ""
    messages.error(request, prefix + exc.message)


def estimate_context(result: dict[str, Any] | None) -> dict[str, Any]:
    """The context catalogue/_estimate_result.html expects."""
    from aisc.web.catalogue.views import FLAG_LABELS

    if result is None or "error" in result:
        return {"result": None, "flags": [], "estimate_error": (result or {}).get("error")}
    flags = [{**f, "label": FLAG_LABELS.get(f["code"], f["message"])} for f in result["flags"]]
    return {"result": result, "flags": flags}
