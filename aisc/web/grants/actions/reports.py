"""Progress and final reports: grantees submit, the secretariat accepts or returns. An accepted
report releases the next tranche; an accepted final report completes the award."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from aisc.core.errors import RuleViolation
from aisc.core.grants.workflow import (
    AWARD_TRANSITIONS,
    REPORT_TRANSITIONS,
    AwardStatus,
    ReportStatus,
)
from aisc.web.accounts.models import User
from aisc.web.audit.record import record
from aisc.web.grants import notifications, verbs
from aisc.web.grants.actions.awards import next_unreleased, release_tranche
from aisc.web.grants.actions.lifecycle import move, move_and_record
from aisc.web.grants.choices import ReportKind
from aisc.web.grants.models import Award, Report


@transaction.atomic
def do_submit_report(*, acting_user: User, award: Award, kind: str, text: str) -> Report:
    """A new report, or the revision of one that was returned (of the same kind)."""
    if award.status != AwardStatus.ACTIVE:
        raise RuleViolation("reports are due only on an active (published) award", field="award")
    if kind not in ReportKind.values:
        raise RuleViolation("the kind must be progress or final", field="kind")
    if not text.strip():
        raise RuleViolation("the report is empty", field="text")
    if award.reports.filter(kind=kind, status=ReportStatus.SUBMITTED).exists():
        # A second one (a double submission) could release a second tranche for one milestone.
        raise RuleViolation(
            f"a {kind} report is already waiting for the secretariat's decision", field="kind"
        )
    report = award.reports.filter(kind=kind, status=ReportStatus.RETURNED).first()
    if report is None:
        report = Report(award=award, kind=kind, submitted_by=acting_user)
        before = None
    else:
        before = {"status": report.status}
        move(report, REPORT_TRANSITIONS, ReportStatus, ReportStatus.SUBMITTED, what="the report")
    report.text = text.strip()
    report.submitted_at = timezone.now()
    report.save()
    record(
        acting_user,
        verbs.REPORT_SUBMIT,
        report,
        before=before,
        after={"status": report.status, "kind": kind},
    )
    return report


@transaction.atomic
def do_accept_report(*, acting_user: User, report: Report) -> Report:
    now = timezone.now()
    move_and_record(
        acting_user,
        report,
        REPORT_TRANSITIONS,
        ReportStatus.ACCEPTED,
        verbs.REPORT_ACCEPT,
        what="the report",
        changes={"decided_by": acting_user, "decided_at": now},
    )
    award = report.award
    following = next_unreleased(award)
    if following is not None:
        release_tranche(acting_user, following, now)
    if report.kind == ReportKind.FINAL:
        move_and_record(
            acting_user,
            award,
            AWARD_TRANSITIONS,
            AwardStatus.COMPLETED,
            verbs.AWARD_COMPLETE,
            what="the award",
        )
    notifications.report_decided(report)
    return report


@transaction.atomic
def do_return_report(*, acting_user: User, report: Report, message: str) -> Report:
    if not message.strip():
        raise RuleViolation("tell the grantee what to change, in a message", field="message")
    move_and_record(
        acting_user,
        report,
        REPORT_TRANSITIONS,
        ReportStatus.RETURNED,
        verbs.REPORT_RETURN,
        what="the report",
        changes={
            "message": message.strip(),
            "decided_by": acting_user,
            "decided_at": timezone.now(),
        },
        audit={"message": message.strip()},
    )
    notifications.report_decided(report)
    return report
