"""Outcomes per award: the grantee declares a publication or a released model or dataset, checked
for form by aisc.core.grants.outputs, linked to the award (and to the report that declared it)."""

from __future__ import annotations

from django.db import transaction

from aisc.core.errors import RuleViolation
from aisc.core.grants import outputs
from aisc.core.grants.workflow import AwardStatus
from aisc.web.accounts.models import User
from aisc.web.audit.record import record
from aisc.web.grants import verbs
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
    report: Report | None = None,
) -> Output:
    if award.status not in OPEN_TO_OUTPUTS:
        raise RuleViolation(
            "outputs are declared on an active or completed (published) award", field="award"
        )
    if report is not None and report.award_id != award.pk:
        raise RuleViolation("the report belongs to another award", field="report")
    checked = outputs.check_output(kind, title, doi=doi, url=url, licence=licence)
    output = Output.objects.create(
        award=award,
        report=report,
        kind=checked.kind.value,
        title=checked.title,
        doi=checked.doi,
        url=checked.url,
        licence=checked.licence,
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
        },
    )
    return output
