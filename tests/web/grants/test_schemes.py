"""The secretariat's scheme pages: list, create, edit; refusals name the field and keep what was
saved; every change is audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from aisc.core.errors import RuleViolation
from aisc.web.accounts.models import User
from aisc.web.audit.models import AuditEvent
from aisc.web.grants import actions
from aisc.web.grants.models import Call, Scheme
from tests.fixtures.pages import as_client

NEW = {
    "code": "aiss2",
    "name_en": "Second scheme",
    "name_zh": "第二計劃",
    "fund": "1000000",
    "default_rate": "0.50",
    "max_rate": "0.70",
    "exceptional_max_rate": "0.90",
    "eligible_kinds": ["university", "startup"],
}


def edit_form(scheme: Scheme, **changes: Any) -> dict[str, Any]:
    form = {
        "name_en": scheme.name_en,
        "name_zh": scheme.name_zh,
        "fund": str(scheme.fund),
        "default_rate": str(scheme.default_rate),
        "max_rate": str(scheme.max_rate),
        "exceptional_max_rate": str(scheme.exceptional_max_rate),
        "eligible_kinds": list(scheme.eligible_kinds),
        "exchange_auto_gpu_hours": str(scheme.exchange_auto_gpu_hours),
        "carry_over_percent": str(scheme.carry_over_percent),
    }
    return {**form, **changes}


def test_the_secretariat_lists_schemes_with_what_their_calls_draw(
    call: Call, secretariat: User
) -> None:
    body = as_client(secretariat).get("/grants/schemes/").content.decode()
    assert "AI Subsidy Scheme" in body
    assert "3,000,000,000.00" in body  # the fund
    assert "50,000,000.00" in body  # drawn by the call's budget
    assert f"/grants/schemes/{call.scheme_id}/edit" in body


def test_the_committee_sees_the_schemes_but_no_edit_links(scheme: Scheme, committee: User) -> None:
    body = as_client(committee).get("/grants/schemes/").content.decode()
    assert "AI Subsidy Scheme" in body
    assert "/edit" not in body
    assert "/grants/schemes/new" not in body


def test_an_empty_list_says_there_are_no_schemes(secretariat: User) -> None:
    body = as_client(secretariat).get("/grants/schemes/").content.decode()
    assert "No schemes yet." in body


def test_the_secretariat_creates_a_scheme_and_the_audit_records_it(secretariat: User) -> None:
    response = as_client(secretariat).post("/grants/schemes/new", NEW)
    assert response.status_code == 302
    scheme = Scheme.objects.get(code="aiss2")
    assert (scheme.fund, scheme.default_rate) == (Decimal("1000000"), Decimal("0.50"))
    assert scheme.eligible_kinds == ["university", "startup"]
    assert AuditEvent.objects.filter(verb="grants.scheme.create", actor=secretariat).exists()


def test_a_default_rate_above_the_maximum_is_refused_next_to_its_field(secretariat: User) -> None:
    response = as_client(secretariat).post("/grants/schemes/new", {**NEW, "default_rate": "0.80"})
    assert response.status_code == 422
    assert "at most the normal maximum" in response.content.decode()
    assert not Scheme.objects.filter(code="aiss2").exists()


def test_a_duplicate_scheme_code_is_refused_naming_the_code(
    scheme: Scheme, secretariat: User
) -> None:
    response = as_client(secretariat).post("/grants/schemes/new", {**NEW, "code": scheme.code})
    assert response.status_code == 422
    assert "a scheme with this code already exists" in response.content.decode()


def test_the_secretariat_edits_a_scheme_and_only_the_changes_are_audited(
    scheme: Scheme, secretariat: User
) -> None:
    form = edit_form(scheme, name_zh="人工智能資助計劃", max_rate="0.75")
    response = as_client(secretariat).post(f"/grants/schemes/{scheme.pk}/edit", form)
    assert response.status_code == 302
    scheme.refresh_from_db()
    assert (scheme.name_zh, scheme.max_rate) == ("人工智能資助計劃", Decimal("0.75"))
    event = AuditEvent.objects.get(verb="grants.scheme.update")
    assert event.before is not None
    assert event.after is not None
    assert set(event.after) == {"name_zh", "max_rate"}
    assert event.before["max_rate"] == "0.70"


def test_editing_cannot_change_the_code(scheme: Scheme, secretariat: User) -> None:
    form = edit_form(scheme, code="renamed")
    as_client(secretariat).post(f"/grants/schemes/{scheme.pk}/edit", form)
    scheme.refresh_from_db()
    assert scheme.code == "aiss"


def test_the_fund_cannot_drop_below_what_calls_draw_and_nothing_is_lost(
    call: Call, secretariat: User
) -> None:
    scheme = call.scheme
    form = edit_form(scheme, fund="1000", name_en="Renamed")
    response = as_client(secretariat).post(f"/grants/schemes/{scheme.pk}/edit", form)
    assert response.status_code == 422
    assert "the fund cannot drop below HK$50,000,000.00" in response.content.decode()
    scheme.refresh_from_db()
    assert (scheme.fund, scheme.name_en) == (Decimal("3000000000"), "AI Subsidy Scheme")


def test_a_scheme_with_no_eligible_type_is_refused(scheme: Scheme, secretariat: User) -> None:
    with pytest.raises(RuleViolation, match="at least one applicant type") as err:
        actions.do_update_scheme(acting_user=secretariat, scheme=scheme, eligible_kinds=[])
    assert err.value.field == "eligible_kinds"


def test_an_unknown_applicant_type_is_refused_naming_it(scheme: Scheme) -> None:
    with pytest.raises(RuleViolation, match="no such applicant type: charity") as err:
        actions.do_update_scheme(acting_user=None, scheme=scheme, eligible_kinds=["charity"])
    assert err.value.field == "eligible_kinds"


def test_an_update_of_a_field_that_is_not_editable_is_refused(scheme: Scheme) -> None:
    with pytest.raises(RuleViolation, match="a scheme's code cannot be changed") as err:
        actions.do_update_scheme(acting_user=None, scheme=scheme, code="other")
    assert err.value.field == "code"


def test_a_non_positive_fund_is_refused_on_edit(scheme: Scheme) -> None:
    with pytest.raises(RuleViolation, match="the fund must be positive"):
        actions.do_update_scheme(acting_user=None, scheme=scheme, fund=Decimal(0))
    scheme.refresh_from_db()
    assert scheme.fund == Decimal("3000000000")


@pytest.mark.parametrize("url", ["/grants/schemes/new", "/grants/schemes/{pk}/edit"])
def test_only_the_secretariat_manages_schemes(
    url: str, scheme: Scheme, committee: User, applicant: User
) -> None:
    for user in (committee, applicant):
        response = as_client(user).post(url.format(pk=scheme.pk), NEW)
        assert response.status_code == 403
    assert Scheme.objects.count() == 1


def test_applicants_do_not_see_the_scheme_list(scheme: Scheme, applicant: User) -> None:
    assert as_client(applicant).get("/grants/schemes/").status_code == 403


def test_the_scheme_pages_read_in_traditional_chinese(scheme: Scheme, secretariat: User) -> None:
    client = as_client(secretariat)
    client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/grants/schemes/"})
    listing = client.get("/grants/schemes/").content.decode()
    assert "資助計劃一覽" in listing
    form = client.get(f"/grants/schemes/{scheme.pk}/edit").content.decode()
    assert "合資格申請者類別" in form


def test_a_new_scheme_carries_every_unused_hour_over_unless_told_otherwise(
    secretariat: User,
) -> None:
    as_client(secretariat).post("/grants/schemes/new", NEW)
    assert Scheme.objects.get(code="aiss2").carry_over_percent == Decimal(100)
    as_client(secretariat).post(
        "/grants/schemes/new", {**NEW, "code": "aiss3", "carry_over_percent": "37.5"}
    )
    assert Scheme.objects.get(code="aiss3").carry_over_percent == Decimal("37.5")


def test_the_secretariat_sets_the_carry_over_and_the_change_is_audited(
    scheme: Scheme, secretariat: User
) -> None:
    form = edit_form(scheme, carry_over_percent="50")
    response = as_client(secretariat).post(f"/grants/schemes/{scheme.pk}/edit", form)
    assert response.status_code == 302
    scheme.refresh_from_db()
    assert scheme.carry_over_percent == Decimal(50)
    event = AuditEvent.objects.get(verb="grants.scheme.update")
    assert event.after == {"carry_over_percent": "50"}
    listing = as_client(secretariat).get("/grants/schemes/").content.decode()
    assert '<td class="num" data-figure="carry-over">50%</td>' in listing


@pytest.mark.parametrize("percent", ["150", "-1", "100.01"])
def test_a_carry_over_outside_0_to_100_is_refused_next_to_its_field_keeping_the_form(
    percent: str, scheme: Scheme, secretariat: User
) -> None:
    form = edit_form(scheme, carry_over_percent=percent, name_en="Typed name")
    response = as_client(secretariat).post(f"/grants/schemes/{scheme.pk}/edit", form)
    assert response.status_code == 422
    html = response.content.decode()
    assert f"the carry-over must be from 0 to 100% of the unused hours (got {percent}%)" in html
    assert response.context["form"].errors["carry_over_percent"]
    assert 'value="Typed name"' in html  # nothing typed is lost
    scheme.refresh_from_db()
    assert (scheme.carry_over_percent, scheme.name_en) == (Decimal(100), "AI Subsidy Scheme")


def test_the_carry_over_refusal_reads_in_traditional_chinese(
    scheme: Scheme, secretariat: User
) -> None:
    client = as_client(secretariat)
    client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/grants/schemes/"})
    form = edit_form(scheme, carry_over_percent="120")
    html = client.post(f"/grants/schemes/{scheme.pk}/edit", form).content.decode()
    assert "結轉須為未用時數的 0 至 100%（收到 120%）" in html
    assert "未用 GPU 時數結轉至下一期" in html  # the field's label
