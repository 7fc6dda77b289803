"""Outcomes per award: the grantee declares an output (aisc.core.grants.outputs checks its form) or
imports publications from BibTeX or CSL-JSON, each linked to the award (and to the report that
declared it)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_noop

from aisc.core.errors import RuleViolation
from aisc.core.grants import outputs
from aisc.core.grants.workflow import AwardStatus
from aisc.web.accounts.models import User
from aisc.web.audit.record import record
from aisc.web.grants import citations, verbs
from aisc.web.grants.models import Award, Output, Report

OPEN_TO_OUTPUTS = (AwardStatus.ACTIVE, AwardStatus.COMPLETED)


@transaction.atomic
def do_add_output(
    *,
    acting_user: User,
    award: Award,
    kind: str,
    title: str,
    doi: str = "",
    url: str = "",
    licence: str = "",
    reference: str = "",
    quantity: str = "",
    report: Report | None = None,
) -> Output:
    _check_open(award, report)
    checked = outputs.check_output(
        kind, title, doi=doi, url=url, licence=licence, reference=reference, quantity=quantity
    )
    return _save(acting_user, award, report, checked)


def _check_open(award: Award, report: Report | None) -> None:
    if award.status not in OPEN_TO_OUTPUTS:
        raise RuleViolation(
            gettext_noop("outputs are declared on an active or completed (published) award"),
            field="award",
        )
    if report is not None and report.award_id != award.pk:
        raise RuleViolation(gettext_noop("the report belongs to another award"), field="report")


@transaction.atomic
def do_import_publications(
    *, acting_user: User, award: Award, fmt: str, text: str, report: Report | None = None
) -> list[Output]:
    """Every entry of a BibTeX or CSL-JSON export becomes a publication, or none does (the
    refusal names the entry). A DOI the award already lists is skipped, so importing the same
    file twice adds nothing."""
    _check_open(award, report)
    known = set(award.outputs.exclude(doi="").values_list("doi", flat=True))
    saved = []
    for checked in citations.read_publications(fmt, text):
        if checked.doi.lower() not in {d.lower() for d in known}:
            saved.append(_save(acting_user, award, report, checked))
            known.add(checked.doi)
    return saved


def _save(
    acting_user: User, award: Award, report: Report | None, checked: outputs.Output
) -> Output:
    output = Output.objects.create(
        award=award,
        report=report,
        kind=checked.kind.value,
        title=checked.title,
        doi=checked.doi,
        url=checked.url,
        licence=checked.licence,
        reference=checked.reference,
        quantity=checked.quantity,
        created_by=acting_user,
    )
    record(
        acting_user,
        verbs.OUTPUT_ADD,
        output,
        after={
            "award": award.project_code,
            "kind": output.kind,
            "title": output.title,
            "doi": output.doi,
            "url": output.url,
            "licence": output.licence,
            "reference": output.reference,
            "quantity": None if output.quantity is None else str(output.quantity),
        },
    )
    return output
