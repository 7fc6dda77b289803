import pytest

from aisc.core.errors import RuleViolation
from aisc.core.grants.workflow import UNDECIDED, ApplicationStatus, check_publishable


def test_a_call_with_every_application_decided_may_be_published() -> None:
    check_publishable(0)  # raises nothing
    with pytest.raises(RuleViolation) as err:
        check_publishable(1)
    assert err.value.field == "status"


def test_publishing_is_refused_naming_how_many_applications_are_undecided() -> None:
    with pytest.raises(RuleViolation, match=r"^2 application\(s\) of this call are still"):
        check_publishable(2)


def test_submitted_in_review_and_deferred_applications_count_as_undecided() -> None:
    assert {ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW} <= UNDECIDED
    assert ApplicationStatus.DEFERRED in UNDECIDED
    assert ApplicationStatus.APPROVED not in UNDECIDED
    assert ApplicationStatus.DRAFT not in UNDECIDED
