from typing import Any

import pytest

from aisc.core.errors import InvalidTransition, RuleViolation
from aisc.web.accounts.models import User
from aisc.web.grants import actions
from aisc.web.grants.models import Award
from tests.fixtures.grants import Mails


def test_publication_makes_the_award_active_and_tells_the_grantee(
    active: Award, sent: Mails
) -> None:
    assert active.status == "active"
    assert active.published_at is not None
    assert ("applicant@example.hk", "Your award has been published") in sent()


def test_reports_are_due_only_on_a_published_award(award: Award, applicant: User) -> None:
    with pytest.raises(RuleViolation, match="active") as err:
        actions.do_submit_report(acting_user=applicant, award=award, kind="progress", text="x")
    assert err.value.field == "award"


def test_it_refuses_an_empty_report_or_an_unknown_kind(active: Award, applicant: User) -> None:
    with pytest.raises(RuleViolation) as err:
        actions.do_submit_report(acting_user=applicant, award=active, kind="progress", text=" ")
    assert err.value.field == "text"
    with pytest.raises(RuleViolation) as err:
        actions.do_submit_report(acting_user=applicant, award=active, kind="poem", text="x")
    assert err.value.field == "kind"


def test_an_accepted_progress_report_releases_the_next_tranche(
    active: Award, applicant: User, secretariat: User, sent: Mails
) -> None:
    got: list[Any] = []
    from aisc.web.grants.events import TrancheReleased, tranche_released

    def listen(event: TrancheReleased) -> None:
        got.append(event.tranche.seq)

    tranche_released.subscribe("test", listen)
    try:
        report = actions.do_submit_report(
            acting_user=applicant, award=active, kind="progress", text="Milestone 1 done."
        )
        actions.do_accept_report(acting_user=secretariat, report=report)
    finally:
        tranche_released.unsubscribe("test")
    assert got == [2]
    assert all(t.released_at is not None for t in active.tranches.all())
    assert ("applicant@example.hk", "Your report was reviewed") in sent()
    with pytest.raises(InvalidTransition):
        actions.do_accept_report(acting_user=secretariat, report=report)


def test_a_returned_report_is_revised_and_resubmitted(
    active: Award, applicant: User, secretariat: User
) -> None:
    report = actions.do_submit_report(
        acting_user=applicant, award=active, kind="progress", text="Draft."
    )
    with pytest.raises(RuleViolation) as err:
        actions.do_return_report(acting_user=secretariat, report=report, message="")
    assert err.value.field == "message"
    actions.do_return_report(acting_user=secretariat, report=report, message="Add GPU use.")
    assert report.status == "returned"
    again = actions.do_submit_report(
        acting_user=applicant, award=active, kind="progress", text="With GPU use."
    )
    assert again.pk == report.pk
    assert (again.status, again.text) == ("submitted", "With GPU use.")
    released = active.tranches.filter(released_at__isnull=False).count()
    assert released == 1


def test_an_accepted_final_report_completes_the_award(
    active: Award, applicant: User, secretariat: User
) -> None:
    first = actions.do_submit_report(acting_user=applicant, award=active, kind="progress", text="1")
    actions.do_accept_report(acting_user=secretariat, report=first)
    final = actions.do_submit_report(acting_user=applicant, award=active, kind="final", text="End")
    actions.do_accept_report(acting_user=secretariat, report=final)
    active.refresh_from_db()
    assert active.status == "completed"
