"""Final-report obligations: what an organisation owes, the refusal of a new application while a
final report is overdue, and the secretariat's audited waiver."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aisc.core.errors import RuleViolation
from aisc.core.grants import obligations
from aisc.core.grants.workflow import AwardStatus, ReportStatus
from aisc.web.accounts.models import Organisation, User
from aisc.web.audit.record import record
from aisc.web.grants import verbs
from aisc.web.grants.choices import ReportKind
from aisc.web.grants.models import Award

DELIVERED = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


def obligation_of(award: Award) -> obligations.FinalReportObligation:
    delivered = award.status == AwardStatus.COMPLETED or any(
        r.kind == ReportKind.FINAL and r.status in DELIVERED for r in award.reports.all()
    )
    return obligations.FinalReportObligation(
        project_code=award.project_code,
        award_end=award.end_date,
        days=award.application.call.report_days(),
        delivered=delivered,
        waived=award.final_report_waived_at is not None,
    )


def final_reports_owed(organisation: Organisation) -> list[obligations.FinalReportObligation]:
    """Every published award still owing its final report (a cancelled one owes nothing)."""
    awards = (
        Award.objects.filter(organisation=organisation, status=AwardStatus.ACTIVE)
        .select_related("application__call__scheme")
        .prefetch_related("reports")
    )
    return [obligation_of(a) for a in awards]


def overdue_final_reports(
    organisation: Organisation, today: date
) -> list[obligations.FinalReportObligation]:
    return obligations.overdue(final_reports_owed(organisation), today)


def check_may_submit(organisation: Organisation, today: date) -> None:
    """The core's refusal, said again in the user's language (same field, same facts)."""
    try:
        obligations.check_may_submit(final_reports_owed(organisation), today)
    except obligations.OverdueFinalReport as exc:
        exc.message = _(
            "the final report on award %(project)s has been overdue since %(due)s; deliver it "
            "(or ask the secretariat for a waiver) before submitting a new application"
        ) % {"project": exc.project_code, "due": exc.due.isoformat()}
        exc.args = (exc.message,)
        raise


@transaction.atomic
def do_waive_final_report(*, acting_user: User, award: Award, reason: str) -> Award:
    """The secretariat lifts the duty (for example, the grantee's project ended early by
    agreement); the reason is kept on the award and in the audit log."""
    if not reason.strip():
        raise RuleViolation(_("give the reason for the waiver"), field="reason")
    if award.status != AwardStatus.ACTIVE:
        raise RuleViolation(
            _("only an active award owes a final report that could be waived"), field="award"
        )
    if award.final_report_waived_at is not None:
        raise RuleViolation(_("this award's final report is already waived"), field="award")
    award.final_report_waived_reason = reason.strip()
    award.final_report_waived_by = acting_user
    award.final_report_waived_at = timezone.now()
    award.save(
        update_fields=[
            "final_report_waived_reason",
            "final_report_waived_by",
            "final_report_waived_at",
        ]
    )
    record(
        acting_user,
        verbs.AWARD_WAIVE_FINAL_REPORT,
        award,
        after={"reason": award.final_report_waived_reason},
    )
    return award
