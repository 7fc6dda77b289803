from datetime import date

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.grants.obligations import (
    DEFAULT_FINAL_REPORT_DAYS,
    FinalReportObligation,
    OverdueFinalReport,
    check_days,
    check_may_submit,
    overdue,
)

END = date(2026, 3, 31)


def ob(code: str = "p-001", end: date = END, days: int = 90, **kw: bool) -> FinalReportObligation:
    return FinalReportObligation(code, end, days, **kw)


def test_the_final_report_is_due_the_configured_number_of_days_after_the_award_ends() -> None:
    assert ob(days=90).due == date(2026, 6, 29)
    assert ob(days=0).due == END
    assert DEFAULT_FINAL_REPORT_DAYS == 90


def test_it_is_overdue_only_from_the_day_after_the_due_date() -> None:
    assert not ob().overdue_on(date(2026, 6, 29))
    assert ob().overdue_on(date(2026, 6, 30))


def test_a_delivered_or_waived_report_is_never_overdue() -> None:
    assert not ob(delivered=True).overdue_on(date(2030, 1, 1))
    assert not ob(waived=True).overdue_on(date(2030, 1, 1))


def test_it_lists_the_overdue_reports_oldest_first() -> None:
    older = ob("p-002", end=date(2025, 12, 31))
    newer = ob("p-001")
    done = ob("p-003", end=date(2025, 1, 1), delivered=True)
    assert overdue([newer, done, older], date(2027, 1, 1)) == [older, newer]


def test_it_lets_an_organisation_with_nothing_overdue_submit() -> None:
    check_may_submit([ob(), ob("p-002", waived=True)], date(2026, 6, 29))
    check_may_submit([], date(2026, 6, 29))


def test_it_refuses_a_submission_naming_the_report_and_since_when() -> None:
    with pytest.raises(OverdueFinalReport) as err:
        check_may_submit([ob("p-009"), ob("p-001", end=date(2026, 1, 31))], date(2026, 7, 1))
    assert err.value.project_code == "p-001"
    assert err.value.due == date(2026, 5, 1)
    assert err.value.field == "organisation"
    assert "p-001" in err.value.message
    assert "2026-05-01" in err.value.message
    assert isinstance(err.value, RuleViolation)


def test_it_accepts_a_delay_from_zero_to_two_years_and_refuses_others() -> None:
    assert check_days(0) == 0
    assert check_days(730) == 730
    for bad in (-1, 731):
        with pytest.raises(RuleViolation) as err:
            check_days(bad)
        assert err.value.field == "final_report_days"
