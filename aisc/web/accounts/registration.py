"""Organisations registered by the people who run them, and verified by the secretariat.

A signed-in person registers an organisation with a document proving its registration and
becomes its admin; the organisation waits, pending, in the secretariat's queue until verified or
refused with a reason (mailed to its admins, who may answer with a new document). Only a verified
organisation submits applications (aisc.core.organisations). Moves follow the one table there.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any, BinaryIO

from django.db import transaction
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aisc.adapters.files import default_store
from aisc.core.errors import RuleViolation
from aisc.core.grants.workflow import transition
from aisc.core.organisations import (
    ORGANISATION_TRANSITIONS,
    SELF_REGISTERED_KINDS,
    OrganisationStatus,
    check_refusal_reason,
)
from aisc.web import notify
from aisc.web.accounts import files, verbs
from aisc.web.accounts.actions import check_model, snapshot_org
from aisc.web.accounts.models import (
    Membership,
    MembershipRole,
    Organisation,
    RegistrationDocument,
    User,
)
from aisc.web.audit.record import record

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


def _store(
    organisation: Organisation, user: User, name: str, stream: BinaryIO, size: int
) -> RegistrationDocument:
    if size > MAX_DOCUMENT_BYTES:
        raise RuleViolation(
            f"a document may be at most {MAX_DOCUMENT_BYTES // 2**20} MB", field="document"
        )
    head = stream.read(files.HEAD_BYTES)
    stream.seek(0)
    try:
        content_type = files.check_type(name, head)
    except RuleViolation as exc:
        raise RuleViolation(exc.template, field="document", params=exc.params) from exc
    # Stored after every check of the action has passed: a refused registration leaves no file.
    base = PurePath(name).name[:200]
    key = default_store().save(base, stream, content_type)
    document = RegistrationDocument.objects.create(
        organisation=organisation,
        name=base,
        key=key,
        content_type=content_type,
        size=size,
        uploaded_by=user,
    )
    return document


@transaction.atomic
def do_register_organisation(
    *,
    acting_user: User,
    name_en: str,
    kind: str,
    registration_code: str,
    document_name: str,
    document: BinaryIO,
    document_size: int,
    **fields: Any,
) -> Organisation:
    if kind not in SELF_REGISTERED_KINDS:
        raise RuleViolation(f"must be one of {', '.join(SELF_REGISTERED_KINDS)}", field="kind")
    code = registration_code.strip()
    if Organisation.objects.filter(registration_code__iexact=code).exists():
        raise RuleViolation(
            "an organisation with this code is already registered; ask to join it instead",
            field="registration_code",
        )
    org = Organisation(
        name_en=name_en.strip(),
        kind=kind,
        registration_code=code,
        status=OrganisationStatus.PENDING,
        **fields,
    )
    check_model(org)
    org.save()
    Membership.objects.create(user=acting_user, organisation=org, role=MembershipRole.ADMIN)
    stored = _store(org, acting_user, document_name, document, document_size)
    record(
        acting_user,
        verbs.ORGANISATION_REGISTER,
        org,
        after={**snapshot_org(org), "status": org.status, "document": stored.name},
    )
    return org


def tell_admins(
    organisation: Organisation, subject: Promise, template: str, context: dict[str, Any]
) -> None:
    """Mail every admin of the organisation, through the outbox."""
    admins = organisation.memberships.filter(role=MembershipRole.ADMIN).select_related("user")
    for admin in admins:
        notify.send(admin.user, subject, template, {"organisation": organisation, **context})


def _move(organisation: Organisation, target: OrganisationStatus) -> tuple[str, str]:
    before = organisation.status
    organisation.status = transition(
        ORGANISATION_TRANSITIONS, organisation.state, target, what="the organisation"
    ).value
    return before, organisation.status


@transaction.atomic
def do_add_registration_document(
    *, acting_user: User, organisation: Organisation, name: str, stream: BinaryIO, size: int
) -> RegistrationDocument:
    """Another document for the secretariat; a refused organisation goes back to its queue."""
    if organisation.state == OrganisationStatus.VERIFIED:
        raise RuleViolation(
            "the organisation is already verified; it needs no further document",
            field="document",
        )
    document = _store(organisation, acting_user, name, stream, size)
    before = organisation.status
    if organisation.state == OrganisationStatus.REFUSED:
        _move(organisation, OrganisationStatus.PENDING)
        organisation.save(update_fields=["status"])
    record(
        acting_user,
        verbs.ORGANISATION_DOCUMENT_ADD,
        organisation,
        before={"status": before},
        after={"status": organisation.status, "document": document.name, "size": size},
    )
    return document


def _decide(
    acting_user: User,
    organisation: Organisation,
    target: OrganisationStatus,
    reason: str,
    base_url: str,
) -> Organisation:
    """The secretariat's answer: moved along the table, audited, mailed to the admins."""
    before, after = _move(organisation, target)
    organisation.refusal_reason = reason
    organisation.save(update_fields=["status", "refusal_reason"])
    verb = verbs.ORGANISATION_VERIFY if reason == "" else verbs.ORGANISATION_REFUSE
    facts: dict[str, Any] = {"status": after, **({"reason": reason} if reason else {})}
    record(acting_user, verb, organisation, before={"status": before}, after=facts)
    page = base_url.rstrip("/") + reverse("accounts:organisation", args=[organisation.pk])
    if target == OrganisationStatus.VERIFIED:
        subject = _("Your organisation is verified on AISC")
        template = "accounts/mail/organisation_verified.txt"
    else:
        subject = _("Your organisation's registration was refused")
        template = "accounts/mail/organisation_refused.txt"
    tell_admins(organisation, subject, template, {"reason": reason, "page": page})
    return organisation


@transaction.atomic
def do_verify_organisation(
    *, acting_user: User, organisation: Organisation, base_url: str
) -> Organisation:
    return _decide(acting_user, organisation, OrganisationStatus.VERIFIED, "", base_url)


@transaction.atomic
def do_refuse_organisation(
    *, acting_user: User, organisation: Organisation, reason: str, base_url: str
) -> Organisation:
    reason = check_refusal_reason(reason)
    return _decide(acting_user, organisation, OrganisationStatus.REFUSED, reason, base_url)


@transaction.atomic
def do_download_registration_document(
    *, acting_user: User, document: RegistrationDocument
) -> RegistrationDocument:
    """Reading a registration document is audited: it holds an organisation's papers."""
    record(
        acting_user,
        verbs.ORGANISATION_DOCUMENT_DOWNLOAD,
        document.organisation,
        after={"document": document.pk, "name": document.name},
    )
    return document


def to_verify() -> list[Organisation]:
    """The secretariat's queue: organisations waiting, the longest-waiting first."""
    return list(
        Organisation.objects.filter(status=OrganisationStatus.PENDING).order_by("created_at")
    )
