"""What grants pages share: the acting user, the language, refusals on forms, the estimate."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import get_language

from aisc.core.errors import AiscError
from aisc.web.accounts.models import User
from aisc.web.i18n import explain

T = TypeVar("T")


def user_of(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def is_zh(request: HttpRequest) -> bool:
    return (get_language() or "").startswith("zh")


# A rule names what it checks (the decision's tranche plan); a form may ask for it through a
# field of another name (the share released at start), or per item (check_<code>, score_<code>).
ALIASES = {"tranche_plan": "first_tranche", "rate": "subsidy_rate", "gpu_hours": "gpus"}
PREFIXES = ("", "check_", "score_", "comment_")


def form_field(form: forms.BaseForm, name: str | None) -> str | None:
    """The form field a refusal about `name` belongs beside, if the form has one."""
    if name is None:
        return None
    for candidate in (ALIASES.get(name, name), *(p + name for p in PREFIXES)):
        if candidate in form.fields:
            return candidate
    return None


def label_of(form: forms.BaseForm | None, name: str | None) -> str:
    """What the user sees for field `name`: its visible label, else the name itself."""
    if form is not None and name in form.fields:
        return str(form.fields[name].label or name)
    return name or ""


def in_language(exc: AiscError) -> str:
    """The refusal in the user's language: a template with figures is translated, then filled."""
    return explain(exc)


def refuse(
    request: HttpRequest,
    exc: AiscError,
    form: forms.BaseForm | None = None,
    formsets: Mapping[str, forms.BaseFormSet[Any]] | None = None,
) -> None:
    """Show a refusal next to its field (or at the top), naming the field by its visible label and
    the rule in the user's language; a formset stands for the field it edits as a whole (a
    call's rubric, its checklist)."""
    message = in_language(exc)
    field = form_field(form, exc.field) if form is not None else None
    if form is not None and field is not None:
        form.add_error(field, message)
        return
    if formsets and exc.field is not None and exc.field in formsets:
        formsets[exc.field].non_form_errors().append(message)
        return
    prefix = f"{exc.field}: " if exc.field else ""
    messages.error(request, prefix + message)


def refuse_form(request: HttpRequest, form: forms.BaseForm) -> None:
    """A form posted from a page that redirects afterwards: each error becomes a message naming
    its field by its visible label, so nothing is refused without saying why."""
    for field, errors in form.errors.items():
        joined = " ".join(str(e) for e in errors)
        messages.error(
            request, joined if field == "__all__" else f"{label_of(form, field)}: {joined}"
        )


def attempt(
    request: HttpRequest,
    action: Callable[[], T],
    done: str,
    form: forms.BaseForm | None = None,
    formsets: Mapping[str, forms.BaseFormSet[Any]] | None = None,
) -> T | None:
    """Run one do_* action: on success say `done`, on a refusal show it (see refuse) and return
    None; the action's transaction has rolled back, so nothing half-done is kept."""
    try:
        result = action()
    except AiscError as exc:
        refuse(request, exc, form, formsets)
        return None
    messages.success(request, done)
    return result


def estimate_context(result: dict[str, Any] | None) -> dict[str, Any]:
    """The context catalogue/_estimate_result.html expects."""
    from aisc.web.catalogue.views import FLAG_LABELS

    if result is None or "error" in result:
        return {"result": None, "flags": [], "estimate_error": (result or {}).get("error")}
    flags = [{**f, "label": FLAG_LABELS.get(f["code"], f["message"])} for f in result["flags"]]
    return {"result": result, "flags": flags}
