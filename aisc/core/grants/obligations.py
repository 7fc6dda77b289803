"""Obligations with consequences: a final report is due a set number of days after an award ends;
an organisation with one overdue cannot submit a new application until it is delivered or the
secretariat waives it (the rule PRACE applies to its grantees)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from aisc.core.errors import RuleViolation

DEFAULT_FINAL_REPORT_DAYS = 90
MAX_FINAL_REPORT_DAYS = 730


@dataclass(frozen=True)
class FinalReportObligation:
    """One award's final report, as the rule sees it: when the award ended, how long the grantee
    has, and whether a report has been handed in (submitted or accepted) or the duty waived."""

    project_code: str
    award_end: date
    days: int
    delivered: bool = False
    waived: bool = False

    @property
    def due(self) -> date:
        return self.award_end + timedelta(days=self.days)

    def overdue_on(self, today: date) -> bool:
        return not (self.delivered or self.waived) and today > self.due


class OverdueFinalReport(RuleViolation):
    """The refusal of a new application; carries which report and since when, so the edge can say
    it in the user's language."""

    def __init__(self, project_code: str, due: date) -> None:
        super().__init__(
            "the final report on award %(project_code)s has been overdue since %(due)s; deliver "
            "it (or ask the secretariat for a waiver) before submitting a new application",
            field="organisation",
            params={"project_code": project_code, "due": due.isoformat()},
        )
        self.project_code = project_code
        self.due = due


def check_days(days: int) -> int:
    """The configured delay, in whole days: 0 (due on the last day) up to two years."""
    if not 0 <= days <= MAX_FINAL_REPORT_DAYS:
        raise RuleViolation(
            "must be between 0 and %(max_final_report_days)s days, not %(days)s",
            field="final_report_days",
            params={"max_final_report_days": MAX_FINAL_REPORT_DAYS, "days": days},
        )
    return days


def overdue(
    obligations: Iterable[FinalReportObligation], today: date
) -> list[FinalReportObligation]:
    """The overdue ones, longest overdue first (then by project code, so the order is stable)."""
    late = [o for o in obligations if o.overdue_on(today)]
    return sorted(late, key=lambda o: (o.due, o.project_code))


def check_may_submit(obligations: Iterable[FinalReportObligation], today: date) -> None:
    """Refuse a new application while any final report is overdue, naming the oldest."""
    late = overdue(obligations, today)
    if late:
        raise OverdueFinalReport(late[0].project_code, late[0].due)
