"""A scheme's cumulative caps at the committee's decision: an approval that would take an
organisation (or its group of related organisations) over the cap in HK$ or GPU-hours is refused
naming the field and the figures, with nothing saved, unless the exceptional rule is used with a
reason, which is kept on the award and audited; the decision screen shows the running totals."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from aisc.core.errors import RuleViolation
from aisc.web.accounts.models import Organisation, User
from aisc.web.audit.models import AuditEvent
from aisc.web.grants import actions
from aisc.web.grants import caps as scheme_caps
from aisc.web.grants.actions import DecisionInput
from aisc.web.grants.models import Application, Award, Call, RelatedGroup, Scheme
from tests.web.grants.scenario import approved

pytestmark = pytest.mark.django_db
D = Decimal


def approve(application: Application, committee: User, reason: str = "") -> Award:
    actions.do_decide(
        acting_user=committee,
        application=application,
        decision=DecisionInput(
            outcome="approve", members_present=[committee], cap_exception_reason=reason
        ),
    )
    return Award.objects.get(application=application)


def set_caps(scheme: Scheme, **caps: Decimal) -> None:
    Scheme.objects.filter(pk=scheme.pk).update(**caps)


def test_an_approval_over_the_organisations_subsidy_cap_is_refused_and_nothing_saved(
    reviewed: Application, committee: User, scheme: Scheme
) -> None:
    set_caps(scheme, org_cap_subsidy=D("1000.00"))
    with pytest.raises(RuleViolation) as refused:
        approve(reviewed, committee)
    assert refused.value.field == "cap_exception_reason"
    assert (
        "over the cap of HK$1000.00 per organisation (HK$0.00 before it)" in refused.value.message
    )
    assert reviewed.organisation.name_en in refused.value.message
    reviewed.refresh_from_db()
    assert reviewed.status == "in_review"
    assert not Award.objects.exists()
    assert not AuditEvent.objects.filter(verb="grants.application.decide").exists()


def test_the_exceptional_rule_with_a_reason_lets_it_through_kept_and_audited(
    reviewed: Application, committee: User, scheme: Scheme
) -> None:
    set_caps(scheme, org_cap_subsidy=D("1000.00"), org_cap_gpu_hours=D("10"))
    award = approve(reviewed, committee, reason="national priority: Cantonese foundation model")
    assert award.cap_exception_reason == "national priority: Cantonese foundation model"
    event = AuditEvent.objects.get(verb="grants.application.decide")
    exception = (event.after or {})["cap_exception"]
    assert exception["reason"] == award.cap_exception_reason
    assert [(c["scope"], c["measure"]) for c in exception["caps"]] == [
        ("organisation", "subsidy"),
        ("organisation", "gpu_hours"),
    ]


def test_awards_in_earlier_calls_count_towards_the_cap_in_gpu_hours(
    call: Call,
    reviewed: Application,
    committee: User,
    scheme: Scheme,
    make_user: Callable[..., User],
) -> None:
    earlier, _, _ = approved(call, reviewed.organisation, make_user, title="Earlier work")
    first = Award.objects.get(application=earlier)
    running = scheme_caps.totals(scheme, [reviewed.organisation_id])
    assert running.gpu_hours == first.gpu_hours > 0
    set_caps(scheme, org_cap_gpu_hours=first.gpu_hours + 1)
    with pytest.raises(RuleViolation) as refused:
        approve(reviewed, committee)
    assert f"({first.gpu_hours} before it)" in refused.value.message
    assert "GPU-hours per organisation" in refused.value.message


def test_the_group_cap_counts_every_related_organisation(
    call: Call,
    reviewed: Application,
    committee: User,
    scheme: Scheme,
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
) -> None:
    sister = make_org(name_en="Sister Lab Ltd")
    group = RelatedGroup.objects.create(name="Harbour Holdings")
    group.organisations.set([sister, reviewed.organisation])
    other, _, _ = approved(call, sister, make_user, title="Sister's project")
    theirs = Award.objects.get(application=other)
    set_caps(scheme, group_cap_subsidy=theirs.committed_amount + 1)
    with pytest.raises(RuleViolation) as refused:
        approve(reviewed, committee)
    assert "the related organisations Harbour Holdings" in refused.value.message
    assert f"(HK${theirs.committed_amount} before it)" in refused.value.message
    shown = scheme_caps.standings(scheme, reviewed.organisation)
    assert [(s.scope.value, s.totals.subsidy) for s in shown] == [
        ("organisation", D(0)),
        ("group", theirs.committed_amount),
    ]


def test_the_decision_screen_shows_the_running_totals_and_keeps_input_on_refusal(
    reviewed: Application, committee: User, scheme: Scheme
) -> None:
    set_caps(scheme, org_cap_subsidy=D("1000.00"))
    client = Client()
    client.force_login(committee)
    page = client.get(reverse("grants:application", args=[reviewed.pk])).content.decode()
    assert 'id="caps"' in page
    assert "1000.00" in page
    refused = client.post(
        reverse("grants:decide", args=[reviewed.pk]),
        {"outcome": "approve", "members_present": [committee.pk], "notes": "strong case"},
    )
    assert refused.status_code == 422
    body = refused.content.decode()
    assert "strong case" in body
    assert "give a reason to use the exceptional rule" in body


def test_a_scheme_cap_is_more_than_zero_or_empty(scheme: Scheme, secretariat: User) -> None:
    with pytest.raises(RuleViolation) as refused:
        actions.do_update_scheme(acting_user=secretariat, scheme=scheme, org_cap_gpu_hours=D(0))
    assert refused.value.field == "org_cap_gpu_hours"
    actions.do_update_scheme(acting_user=secretariat, scheme=scheme, org_cap_subsidy=D("5000000"))
    scheme.refresh_from_db()
    assert scheme.org_cap_subsidy == D("5000000")


def test_the_secretariat_groups_related_organisations_audited_and_refused_with_one(
    secretariat: User, make_org: Callable[..., Organisation]
) -> None:
    a, b = make_org(name_en="Alpha Ltd"), make_org(name_en="Beta Ltd")
    with pytest.raises(RuleViolation) as alone:
        actions.do_save_related_group(acting_user=secretariat, name="Alpha", organisations=[a])
    assert alone.value.field == "organisations"
    with pytest.raises(RuleViolation) as unnamed:
        actions.do_save_related_group(acting_user=secretariat, name=" ", organisations=[a, b])
    assert unnamed.value.field == "name"
    assert not RelatedGroup.objects.exists()
    group = actions.do_save_related_group(
        acting_user=secretariat, name="Alpha Holdings", organisations=[a, b]
    )
    c = make_org(name_en="Gamma Ltd")
    actions.do_save_related_group(
        acting_user=secretariat, name="Alpha Holdings", organisations=[a, c]
    )
    assert set(group.organisations.all()) == {a, c}
    events = AuditEvent.objects.filter(verb="grants.related_group.save").order_by("id")
    assert [(e.before, (e.after or {})["organisations"]) for e in events] == [
        (None, ["Alpha Ltd", "Beta Ltd"]),
        ({"organisations": ["Alpha Ltd", "Beta Ltd"]}, ["Alpha Ltd", "Gamma Ltd"]),
    ]


def test_the_related_groups_page_is_the_secretariats_and_keeps_input_on_refusal(
    secretariat: User, committee: User, make_org: Callable[..., Organisation]
) -> None:
    a = make_org(name_en="Alpha Ltd")
    url = reverse("grants:related_groups")
    outsider = Client()
    outsider.force_login(committee)
    assert outsider.get(url).status_code == 403
    client = Client()
    client.force_login(secretariat)
    refused = client.post(url, {"name": "Alpha Holdings", "organisations": [a.pk]})
    assert refused.status_code == 422
    assert 'value="Alpha Holdings"' in refused.content.decode()
    assert "at least two organisations" in refused.content.decode()
    b = make_org(name_en="Beta Ltd")
    done = client.post(url, {"name": "Alpha Holdings", "organisations": [a.pk, b.pk]})
    assert done.status_code == 302
    assert "Alpha Ltd, Beta Ltd" in client.get(url).content.decode()


def test_every_cap_rule_of_the_core_is_marked_for_translation_word_for_word() -> None:
    from aisc.core.grants.caps import MESSAGES

    assert set(MESSAGES.values()) <= set(scheme_caps.CORE_RULES)


def test_an_approval_over_a_cap_is_refused_in_chinese_on_the_decision_screen(
    reviewed: Application, committee: User, scheme: Scheme
) -> None:
    set_caps(scheme, org_cap_subsidy=D("1000.00"))
    client = Client()
    client.force_login(committee)
    client.cookies["django_language"] = "zh-hant"
    refused = client.post(
        reverse("grants:decide", args=[reviewed.pk]),
        {"outcome": "approve", "members_present": [committee.pk]},
    )
    assert refused.status_code == 422
    assert "每個機構上限港幣 1000.00 元" in refused.content.decode()
