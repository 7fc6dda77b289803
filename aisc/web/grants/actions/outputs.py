"""Outcomes per award: the grantee declares an output (aisc.core.grants.outputs checks its form) or
imports publications from BibTeX or CSL-JSON, each linked to the award (and to the report that
declared it)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_noop

from aisc.core.errors import RuleViolation
from aisc.core.grants import outputs
from aisc.core.grants.workflow import AwardStatus, ReportStatus
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
    if report is not None and report.status != ReportStatus.SUBMITTED:
        raise RuleViolation(
            gettext_noop("outputs are declared on a report that awaits its decision"),
            field="report",
        )


def _check_changeable(output: Output) -> None:
    """An output declared on a report changes only while that report awaits its decision (the
    secretariat decides on what it read); one declared on no report, while its award is open."""
    _check_open(output.award, None)
    if output.report is not None and output.report.status != ReportStatus.SUBMITTED:
        raise RuleViolation(
            gettext_noop("the report that declared this output has been decided on"),
            field="report",
        )


def output_fields(output: Output) -> dict[str, str | None]:
    return {
        "award": output.award.project_code,
        "kind": output.kind,
        "title": output.title,
        "doi": output.doi,
        "url": output.url,
        "licence": output.licence,
        "reference": output.reference,
        "quantity": None if output.quantity is None else f"{output.quantity:.2f}",
    }


@transaction.atomic
def do_update_output(*, acting_user: User, output: Output, **fields: str) -> Output:
    """The output's fields (those outputs.check_output takes: title, doi, url, licence,
    reference, quantity) as given, checked as a new one of its kind; the kind stays, since
    another kind is another output, withdrawn and declared anew."""
    _check_changeable(output)
    checked = outputs.check_output(output.kind, **fields)
    before = output_fields(output)
    output.title, output.doi, output.url = checked.title, checked.doi, checked.url
    output.licence, output.reference = checked.licence, checked.reference
    output.quantity = checked.quantity
    output.save()
    record(acting_user, verbs.OUTPUT_UPDATE, output, before=before, after=output_fields(output))
    return output


@transaction.atomic
def do_withdraw_output(*, acting_user: User, output: Output) -> None:
    """Removed from the award and its report; the audit row keeps what it said."""
    _check_changeable(output)
    record(acting_user, verbs.OUTPUT_WITHDRAW, output, before=output_fields(output))
    output.delete()


@dataclass(frozen=True)
class ImportPreview:
    """What importing a file would do: the publications it adds, and those skipped because the
    award already lists their DOI (or the file lists it twice)."""

    added: list[outputs.Output]
    skipped: list[outputs.Output]


def preview_import(award: Award, fmt: str, text: str) -> ImportPreview:
    """Reads and checks every entry (a bad one refuses the file, naming it); saves nothing."""
    known = {d.lower() for d in award.outputs.exclude(doi="").values_list("doi", flat=True)}
    added, skipped = [], []
    for checked in citations.read_publications(fmt, text):
        if checked.doi.lower() in known:
            skipped.append(checked)
        else:
            added.append(checked)
            known.add(checked.doi.lower())
    return ImportPreview(added, skipped)


@transaction.atomic
def do_import_publications(
    *, acting_user: User, award: Award, fmt: str, text: str, report: Report | None = None
) -> list[Output]:
    """Every entry of a BibTeX or CSL-JSON export becomes a publication, or none does (the
    refusal names the entry). A DOI the award already lists is skipped, so importing the same
    file twice adds nothing."""
    _check_open(award, report)
    return [_save(acting_user, award, report, c) for c in preview_import(award, fmt, text).added]


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
    record(acting_user, verbs.OUTPUT_ADD, output, after=output_fields(output))
    return output
