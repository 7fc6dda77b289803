from typing import Any

from aisc.web.accounts.models import User
from aisc.web.grants.models import Call, Scheme, default_checklist, default_rubric
from tests.fixtures.pages import as_client

from .test_call_criteria import FORM, criteria

# The page sends the rubric and checklist it offers: the defaults, untouched.
DEFAULTS = criteria(default_rubric(), default_checklist())


def test_the_secretariat_opens_a_call_with_the_default_rubric(
    scheme: Scheme, secretariat: User
) -> None:
    response = as_client(secretariat).post(
        "/grants/calls/new", {**FORM, **DEFAULTS, "scheme": scheme.pk, "budget": "1000000"}
    )
    assert response.status_code == 302
    call = Call.objects.get(code="c2027a")
    assert call.status == "open"
    assert sum(c.weight for c in call.criteria()) == 100


def test_a_budget_beyond_what_the_fund_has_left_is_refused_naming_the_field(
    scheme: Scheme, secretariat: User
) -> None:
    response = as_client(secretariat).post(
        "/grants/calls/new", {**FORM, **DEFAULTS, "scheme": scheme.pk, "budget": "3000000001"}
    )
    assert response.status_code == 422
    assert "exceeds what the fund has left uncommitted" in response.content.decode()
    assert not Call.objects.filter(code="c2027a").exists()


def test_only_the_secretariat_opens_calls(scheme: Scheme, applicant: User, db: Any) -> None:
    assert as_client(applicant).get("/grants/calls/new").status_code == 403
