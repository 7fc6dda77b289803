"""Applications: create a draft, save as you go, submit when complete, withdraw."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from aisc.core import organisations
from aisc.core.catalogue.chips import CHIPS
from aisc.core.errors import RuleViolation
from aisc.core.grants import eligibility, request
from aisc.core.grants.workflow import (
    APPLICATION_TRANSITIONS,
    EDITABLE,
    ApplicationStatus,
    CallStatus,
)
from aisc.core.units import Money
from aisc.web.accounts.models import Organisation, User
from aisc.web.accounts.time_zone import centre_today
from aisc.web.audit.record import record
from aisc.web.catalogue.capacity import offered_chips
from aisc.web.grants import notifications, pricing, verbs
from aisc.web.grants.actions import awards, obligations
from aisc.web.grants.actions.lifecycle import move_and_record, snapshot
from aisc.web.grants.choices import DocumentKind, ModelType, Workload
from aisc.web.grants.models import Application, Award, Call, StarterProgramme

EDITABLE_FIELDS = (
    "title", "title_zh", "summary", "lay_summary", "lay_summary_zh", "category",
    "model_type", "parameters", "active_parameters", "training_tokens", "epochs", "seq_len",
    "precision", "workload", "tokens_served",
    "chip", "gpus", "months", "preferred_start",
    "work_plan", "team", "track_record",
    "no_double_funding", "other_public_funding", "ethics_assessment", "societal_benefit",
)  # fmt: skip
NUMBERS = ("parameters", "active_parameters", "training_tokens", "epochs", "seq_len",
           "tokens_served", "gpus", "months")  # fmt: skip
REQUIRED = (
    "title", "summary", "category", "model_type", "parameters", "seq_len", "precision",
    "workload", "chip", "gpus", "months", "preferred_start", "work_plan", "team",
    "track_record", "no_double_funding", "ethics_assessment", "societal_benefit",
)  # fmt: skip


def _check_stored_form(application: Application) -> None:
    """What the database and the model's own fields demand (not null, a listed choice, a length
    limit), as a RuleViolation naming the field: the API can send null or any string, and without
    this a null reached the database as a 500 and an unlisted category was saved."""
    for name in EDITABLE_FIELDS:
        if getattr(application, name) is None and not Application._meta.get_field(name).null:
            raise RuleViolation("may be empty but not null", field=name)
    others = [f.name for f in Application._meta.fields if f.name not in EDITABLE_FIELDS]
    try:
        application.clean_fields(exclude=others)
    except ValidationError as exc:
        name, messages = next(iter(exc.message_dict.items()))
        raise RuleViolation(" ".join(messages), field=name) from exc


def _check_fields(application: Application) -> None:
    """Rules that hold for drafts too, so a bad value is refused the moment it is typed."""
    request.check_bounds({name: getattr(application, name) for name in NUMBERS})
    if application.chip and application.chip not in CHIPS:
        raise RuleViolation(f"unknown chip {application.chip!r}", field="chip")
    _check_stored_form(application)
    call = application.call
    if application.preferred_start and application.months:
        window = (call.period_start, call.period_end)
        request.check_period(application.preferred_start, application.months, window)
    if application.chip and application.gpus and application.months and application.preferred_start:
        request.check_within_budget(request_cost(application), Money(call.budget))


def _check_offered(chip: str) -> None:
    """An applicant asks only for a chip the centre runs and prices."""
    offered = offered_chips()
    if chip and chip in CHIPS and chip not in offered:
        raise RuleViolation(
            gettext_noop("the centre does not offer %(chip)s; choose one of %(offered)s"),
            field="chip",
            params={"chip": chip, "offered": ", ".join(offered) or "-"},
        )


def request_cost(application: Application) -> Money:
    assert application.gpus
    assert application.months
    assert application.preferred_start
    return pricing.request_cost(
        application.chip,
        application.gpus,
        application.months,
        application.preferred_start,
        application.call.scheme.default_rate,
    )


def _unknown(fields: dict[str, Any]) -> None:
    extra = sorted(set(fields) - set(EDITABLE_FIELDS))
    if extra:
        raise RuleViolation(f"not a field of an application: {extra[0]}", field=extra[0])


@transaction.atomic
def do_create_application(
    *, acting_user: User, call: Call, organisation: Organisation, title: str, **fields: Any
) -> Application:
    if call.status != CallStatus.OPEN:
        raise RuleViolation("this call is not open for applications", field="call")
    if StarterProgramme.objects.filter(call=call).exists():
        raise RuleViolation(
            gettext_noop("this call takes starter grants only, through the starter grant page"),
            field="call",
        )
    eligibility.check_eligible(organisation.kind, call.scheme.eligible_kinds)
    if not title.strip():
        raise RuleViolation("a project title is required", field="title")
    _unknown(fields)
    application = Application(
        call=call, organisation=organisation, created_by=acting_user, title=title.strip(), **fields
    )
    _check_offered(application.chip)
    _check_fields(application)
    application.save()
    record(acting_user, verbs.APPLICATION_CREATE, application, after={"title": application.title})
    return application


@transaction.atomic
def do_update_application(
    *, acting_user: User, application: Application, **fields: Any
) -> Application:
    """Save as you go: any subset of fields; a refused value changes nothing already saved."""
    if application.state not in EDITABLE:
        raise RuleViolation(
            f"an application that is {application.status} can no longer be edited", field="status"
        )
    _unknown(fields)
    changed = {k: v for k, v in fields.items() if getattr(application, k) != v}
    if not changed:
        return application  # nothing to save, so nothing to audit
    if "title" in changed and not (changed["title"] or "").strip():
        raise RuleViolation("a project title is required", field="title")
    if "chip" in changed:
        _check_offered(changed["chip"] or "")
    before = snapshot(application, changed)
    for name, value in changed.items():
        setattr(application, name, value)
    _check_fields(application)
    application.updated_at = timezone.now()
    application.save()
    record(acting_user, verbs.APPLICATION_UPDATE, application, before=before, after=changed)
    return application


def missing(application: Application) -> list[str]:
    """What still blocks submission: empty fields, then missing documents."""
    values = {name: getattr(application, name) for name in REQUIRED}
    required = list(REQUIRED)
    if application.model_type == ModelType.MOE:
        values["active_parameters"] = application.active_parameters
        required.append("active_parameters")
    token_field = (
        "tokens_served" if application.workload == Workload.INFERENCE else "training_tokens"
    )
    values[token_field] = getattr(application, token_field)
    required.append(token_field)
    gaps = eligibility.missing_fields(values, required)
    have = set(application.documents.values_list("kind", flat=True))
    needed = [DocumentKind.FINANCIAL_PROOF.value, *application.call.required_documents]
    gaps += [kind for kind in dict.fromkeys(needed) if kind not in have]
    return gaps


@transaction.atomic
def do_submit_application(*, acting_user: User, application: Application) -> Application:
    organisations.check_may_submit(application.organisation.state)
    eligibility.check_complete(missing(application))
    _check_fields(application)
    _check_offered(application.chip)
    if application.call.status != CallStatus.OPEN:
        raise RuleViolation("this call is no longer open for submissions", field="call")
    obligations.check_may_submit(application.organisation, centre_today())
    move_and_record(
        acting_user,
        application,
        APPLICATION_TRANSITIONS,
        ApplicationStatus.SUBMITTED,
        verbs.APPLICATION_SUBMIT,
        what="the application",
        changes={"submitted_at": timezone.now()},
    )
    notifications.status_changed(application)
    return application


@transaction.atomic
def do_withdraw_application(*, acting_user: User, application: Application) -> Application:
    move_and_record(
        acting_user,
        application,
        APPLICATION_TRANSITIONS,
        ApplicationStatus.WITHDRAWN,
        verbs.APPLICATION_WITHDRAW,
        what="the application",
    )
    award = Award.objects.filter(application=application).first()
    if award is not None:
        awards.cancel(acting_user, award, "the application was withdrawn")
    notifications.status_changed(application)
    return application
