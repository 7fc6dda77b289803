"""Double funding: the applicant declares other public funding for the same work (a declaration
ending before it starts is refused naming the field, nothing saved); screening sees the
declarations and the scheme's earlier awards of the same organisation that likely overlap (dates
and a measured similarity above the scheme's threshold) and records a decision on each, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from aisc.core.errors import RuleViolation
from aisc.web.accounts.models import Organisation, User
from aisc.web.audit.models import AuditEvent
from aisc.web.grants import actions
from aisc.web.grants.actions.funding import likely_overlaps
from aisc.web.grants.models import Application, Award, Call, FundingDeclaration, Scheme
from tests.fixtures.grants import attach
from tests.web.grants.scenario import approved

pytestmark = pytest.mark.django_db
D = Decimal


def declare(application: Application, user: User, **changes: object) -> FundingDeclaration:
    fields: dict[str, object] = {
        "funder": "Innovation and Technology Commission",
        "programme": "ITSP",
        "amount": D("800000"),
        "start_date": dt.date(2026, 1, 1),
        "end_date": dt.date(2026, 12, 31),
    }
    return actions.do_declare_funding(
        acting_user=user,
        application=application,
        **{**fields, **changes},  # type: ignore[arg-type]
    )


def test_the_applicant_declares_other_funding_and_it_is_audited(
    draft: Application, applicant: User
) -> None:
    found = declare(draft, applicant)
    assert found.application == draft
    assert found.decision == ""
    event = AuditEvent.objects.get(verb="grants.funding.declare")
    assert (event.after or {})["funder"] == "Innovation and Technology Commission"


def test_it_rejects_a_declaration_that_ends_before_it_starts_and_saves_nothing(
    draft: Application, applicant: User
) -> None:
    with pytest.raises(RuleViolation) as refused:
        declare(draft, applicant, end_date=dt.date(2025, 12, 31))
    assert refused.value.field == "end_date"
    assert "cannot end (2025-12-31) before it starts (2026-01-01)" in refused.value.message
    assert not FundingDeclaration.objects.exists()
    assert not AuditEvent.objects.filter(verb="grants.funding.declare").exists()


def test_funding_is_declared_only_while_the_application_is_editable(
    submitted: Application, applicant: User
) -> None:
    with pytest.raises(RuleViolation) as refused:
        declare(submitted, applicant)
    assert refused.value.field == "status"


def test_screening_flags_the_same_organisations_similar_earlier_award_and_records_decisions(
    call: Call,
    org: Organisation,
    applicant: User,
    draft: Application,
    secretariat: User,
    make_user: Callable[..., User],
) -> None:
    earlier, _, _ = approved(call, org, make_user, title="Cantonese LLM")
    award = Award.objects.get(application=earlier)
    declaration = declare(draft, applicant)
    attach(draft, applicant)
    actions.do_submit_application(acting_user=applicant, application=draft)
    flagged = likely_overlaps(draft)
    assert [(f.award, f.similarity) for f in flagged] == [(award, D("1.00"))]
    with pytest.raises(RuleViolation) as wrong:
        actions.do_check_overlap(
            acting_user=secretariat, application=draft, award=award, decision="maybe"
        )
    assert wrong.value.field == "decision"
    actions.do_check_overlap(
        acting_user=secretariat,
        application=draft,
        award=award,
        decision="overlap",
        note="same model, same months",
    )
    actions.do_check_declaration(
        acting_user=secretariat, declaration=declaration, decision="no_overlap", note="other scope"
    )
    declaration.refresh_from_db()
    assert (declaration.decision, declaration.decided_by) == ("no_overlap", secretariat)
    assert likely_overlaps(draft)[0].decision is not None
    checks = AuditEvent.objects.filter(verb="grants.funding.check").order_by("id")
    assert [(e.after or {})["decision"] for e in checks] == ["overlap", "no_overlap"]
    assert (checks[0].after or {})["similarity"] == "1.00"


def test_a_higher_threshold_flags_less_and_an_unflagged_award_is_refused(
    call: Call,
    org: Organisation,
    applicant: User,
    submitted: Application,
    secretariat: User,
    scheme: Scheme,
    make_user: Callable[..., User],
) -> None:
    earlier, _, _ = approved(call, org, make_user, title="Cantonese speech recognition")
    award = Award.objects.get(application=earlier)
    similar = likely_overlaps(submitted)
    assert [f.award for f in similar] == [award]
    assert D("0.30") <= similar[0].similarity < D("1.00")
    Scheme.objects.filter(pk=scheme.pk).update(overlap_threshold=D("0.95"))
    submitted.refresh_from_db()
    assert likely_overlaps(Application.objects.get(pk=submitted.pk)) == []
    with pytest.raises(RuleViolation) as refused:
        actions.do_check_overlap(
            acting_user=secretariat,
            application=Application.objects.get(pk=submitted.pk),
            award=award,
            decision="no_overlap",
        )
    assert refused.value.field == "award"


def test_the_page_shows_declarations_and_overlaps_to_screening_and_takes_the_forms(
    call: Call,
    org: Organisation,
    applicant: User,
    draft: Application,
    secretariat: User,
    make_user: Callable[..., User],
) -> None:
    earlier, _, _ = approved(call, org, make_user, title="Cantonese LLM")
    owner = Client()
    owner.force_login(applicant)
    url = reverse("grants:declare_funding", args=[draft.pk])
    bad = owner.post(
        url, {"funder": "ITC", "amount": "5", "start_date": "2026-02-01", "end_date": "2026-01-01"}
    )
    assert bad.status_code == 302
    assert not FundingDeclaration.objects.exists()
    owner.post(
        url, {"funder": "ITC", "amount": "5", "start_date": "2026-01-01", "end_date": "2026-02-01"}
    )
    declaration = FundingDeclaration.objects.get()
    attach(draft, applicant)
    actions.do_submit_application(acting_user=applicant, application=draft)
    staff = Client()
    staff.force_login(secretariat)
    page = staff.get(reverse("grants:application", args=[draft.pk])).content.decode()
    award = Award.objects.get(application=earlier)
    assert f'data-award="{award.project_code}"' in page
    assert 'id="decision-d' in page
    staff.post(reverse("grants:check_declaration", args=[declaration.pk]), {"decision": "overlap"})
    staff.post(
        reverse("grants:check_overlap", args=[draft.pk, award.pk]), {"decision": "no_overlap"}
    )
    declaration.refresh_from_db()
    assert declaration.decision == "overlap"
    assert likely_overlaps(draft)[0].decision is not None
    applicant_page = owner.get(reverse("grants:application", args=[draft.pk])).content.decode()
    assert "ITC" in applicant_page
    assert 'id="overlaps"' not in applicant_page


def test_the_overlap_threshold_is_set_on_the_scheme_between_0_and_1(
    scheme: Scheme, secretariat: User
) -> None:
    with pytest.raises(RuleViolation) as refused:
        actions.do_update_scheme(acting_user=secretariat, scheme=scheme, overlap_threshold=D("1.5"))
    assert refused.value.field == "overlap_threshold"
    actions.do_update_scheme(acting_user=secretariat, scheme=scheme, overlap_threshold=D("0.5"))
    scheme.refresh_from_db()
    assert scheme.overlap_threshold == D("0.50")
