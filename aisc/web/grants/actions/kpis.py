"""KPIs per award: agreed at award time by the secretariat or the committee (target and unit),
reported against in each progress or final report by the grantee (aisc.core.grants.kpis)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_noop

from aisc.core.errors import RuleViolation
from aisc.core.grants import kpis
from aisc.core.grants.workflow import AwardStatus, ReportStatus
from aisc.web.accounts.models import User
from aisc.web.audit.record import record
from aisc.web.grants import verbs
from aisc.web.grants.models import Award, Kpi, KpiValue, Report

OPEN_TO_KPIS = (AwardStatus.APPROVED, AwardStatus.ACTIVE)


@transaction.atomic
def do_agree_kpi(*, acting_user: User, award: Award, name: str, target: str, unit: str) -> Kpi:
    if award.status not in OPEN_TO_KPIS:
        raise RuleViolation(
            gettext_noop("KPIs are agreed on an approved or active award"), field="award"
        )
    checked = kpis.check_kpi(name, target, unit)
    if award.kpis.filter(name__iexact=checked.name).exists():
        raise RuleViolation(
            gettext_noop("this award already has a KPI named %(name)s"),
            field="name",
            params={"name": checked.name},
        )
    kpi = Kpi.objects.create(
        award=award,
        name=checked.name,
        target=checked.target,
        unit=checked.unit,
        created_by=acting_user,
    )
    after = {"award": award.project_code, "name": kpi.name, "target": str(kpi.target)}
    record(acting_user, verbs.KPI_AGREE, kpi, after={**after, "unit": kpi.unit})
    return kpi


@transaction.atomic
def do_report_kpi(*, acting_user: User, report: Report, kpi: Kpi, value: str) -> KpiValue:
    """The report's value for the KPI; given again while the report awaits its decision, the new
    value replaces the old (both in the audit row)."""
    if kpi.award_id != report.award_id:
        raise RuleViolation(gettext_noop("the KPI belongs to another award"), field="kpi")
    if report.status != ReportStatus.SUBMITTED:
        raise RuleViolation(
            gettext_noop("KPI values are given on a report that awaits its decision"),
            field="report",
        )
    amount = kpis.check_amount(value, "value")
    found = KpiValue.objects.filter(kpi=kpi, report=report).first()
    before = None if found is None else {"value": str(found.value)}
    if found is None:
        found = KpiValue.objects.create(
            kpi=kpi, report=report, value=amount, created_by=acting_user
        )
    else:
        found.value = amount
        found.save(update_fields=["value"])
    record(
        acting_user,
        verbs.KPI_REPORT,
        found,
        before=before,
        after={"award": kpi.award.project_code, "kpi": kpi.name, "value": str(amount)},
    )
    return found
