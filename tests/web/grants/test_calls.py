import datetime as dt
from decimal import Decimal

import pytest

from aisc.core.errors import InsufficientBalance, InvalidTransition, RuleViolation
from aisc.web.accounts.models import User
from aisc.web.audit.models import AuditEvent
from aisc.web.grants import actions
from aisc.web.grants.models import Application, Call, Scheme
from tests.fixtures.pages import as_client

DATES = {
    "opens_on": dt.date(2026, 5, 1),
    "closes_on": dt.date(2026, 6, 30),
    "period_start": dt.date(2026, 7, 1),
    "period_end": dt.date(2027, 6, 30),
}


def test_a_new_call_gets_the_four_published_criteria_and_a_checklist(call: Call) -> None:
    assert [c.code for c in call.criteria()] == ["alignment", "compute", "technical", "financial"]
    assert "financial_proof" in call.checklist_codes()
    assert call.status == "open"


def test_a_call_budget_never_exceeds_what_the_fund_has_left(scheme: Scheme, call: Call) -> None:
    left = scheme.fund - call.budget
    with pytest.raises(InsufficientBalance, match="left uncommitted") as err:
        actions.do_create_call(
            acting_user=None, scheme=scheme, code="c2026b", title_en="B", budget=left + 1, **DATES
        )
    assert err.value.field == "budget"
    assert not Call.objects.filter(code="c2026b").exists()
    actions.do_create_call(
        acting_user=None, scheme=scheme, code="c2026b", title_en="B", budget=left, **DATES
    )


def test_it_refuses_a_call_that_closes_before_it_opens(scheme: Scheme) -> None:
    bad = {**DATES, "closes_on": dt.date(2026, 4, 1)}
    with pytest.raises(RuleViolation) as err:
        actions.do_create_call(
            acting_user=None, scheme=scheme, code="x", title_en="X", budget=Decimal(1), **bad
        )
    assert err.value.field == "closes_on"


def test_it_refuses_a_period_that_ends_before_it_starts(scheme: Scheme) -> None:
    bad = {**DATES, "period_end": DATES["period_start"]}
    with pytest.raises(RuleViolation) as err:
        actions.do_create_call(
            acting_user=None, scheme=scheme, code="x", title_en="X", budget=Decimal(1), **bad
        )
    assert err.value.field == "period_end"


def test_it_refuses_a_duplicate_call_code(scheme: Scheme, call: Call) -> None:
    with pytest.raises(RuleViolation, match="already exists"):
        actions.do_create_call(
            acting_user=None,
            scheme=scheme,
            code=call.code,
            title_en="X",
            budget=Decimal(1),
            **DATES,
        )


def test_it_refuses_a_rubric_whose_weights_do_not_sum_to_100(scheme: Scheme) -> None:
    rubric = [{"code": "a", "name_en": "A", "weight": 60}]
    with pytest.raises(RuleViolation, match="sum to 100"):
        actions.do_create_call(
            acting_user=None,
            scheme=scheme,
            code="x",
            title_en="X",
            budget=Decimal(1),
            rubric=rubric,
            **DATES,
        )


def test_it_refuses_a_scheme_without_money_or_with_bad_rates(db: None) -> None:
    with pytest.raises(RuleViolation) as err:
        actions.do_create_scheme(acting_user=None, code="s", name_en="S", fund=Decimal(0))
    assert err.value.field == "fund"
    with pytest.raises(RuleViolation) as err:
        actions.do_create_scheme(
            acting_user=None, code="s", name_en="S", fund=Decimal(1), max_rate=Decimal("0.95")
        )
    assert err.value.field == "exceptional_max_rate"


def test_a_call_moves_only_along_its_table_and_each_move_is_audited(call: Call) -> None:
    with pytest.raises(InvalidTransition, match="from open to published"):
        actions.do_publish_results(acting_user=None, call=call)
    actions.do_close_call(acting_user=None, call=call)
    actions.do_publish_results(acting_user=None, call=call)
    verbs = list(
        AuditEvent.objects.filter(object_type="Call").order_by("id").values_list("verb", flat=True)
    )
    assert verbs == [
        "grants.call.create",
        "grants.call.open",
        "grants.call.close",
        "grants.call.publish",
    ]
    call.refresh_from_db()
    assert call.status == "published"
    assert call.published_at is not None


def test_publishing_is_refused_while_an_application_is_in_review_naming_how_many(
    in_review: Application, committee: User
) -> None:
    call = in_review.call
    actions.do_close_call(acting_user=None, call=call)
    with pytest.raises(RuleViolation, match=r"^1 application\(s\) of this call are still"):
        actions.do_publish_results(acting_user=None, call=call)
    call.refresh_from_db()
    assert (call.status, call.published_at) == ("closed", None)
    actions.do_decide(
        acting_user=committee,
        application=in_review,
        decision=actions.DecisionInput(outcome="reject", members_present=[committee]),
    )
    actions.do_publish_results(acting_user=None, call=call)
    call.refresh_from_db()
    assert call.status == "published"


def test_closing_and_publishing_first_show_a_page_stating_the_consequence(
    in_review: Application, secretariat: User, committee: User
) -> None:
    call = in_review.call
    staff = as_client(secretariat)
    page = staff.get(f"/grants/calls/{call.pk}/close")
    assert page.status_code == 200
    assert "stops new applications" in page.content.decode()
    call.refresh_from_db()
    assert call.status == "open"  # asking changes nothing
    staff.post(f"/grants/calls/{call.pk}/close")
    call.refresh_from_db()
    assert call.status == "closed"
    chair = as_client(committee)
    asked = chair.get(f"/grants/calls/{call.pk}/publish").content.decode()
    assert "public grantee list" in asked
    assert "Applications still undecided: 1." in asked
    refused = chair.post(f"/grants/calls/{call.pk}/publish", follow=True).content.decode()
    assert "1 application(s) of this call are still undecided" in refused
    call.refresh_from_db()
    assert call.status == "closed"
