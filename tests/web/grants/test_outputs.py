"""The grantee declares what an award produced: a publication with a DOI checked for form, a model
or dataset with its URL and licence; each is linked to the award, audited, and counted in the
annual report; a malformed one is refused naming the field, and nothing is saved."""

from __future__ import annotations

import pytest
from django.utils import timezone

from aisc.core.errors import RuleViolation
from aisc.web.accounts.models import User
from aisc.web.audit.models import AuditEvent
from aisc.web.billing.annual import annual_report
from aisc.web.grants import actions
from aisc.web.grants.models import Award, Output, Report

pytestmark = pytest.mark.django_db


def test_the_grantee_declares_a_publication_linked_to_the_award_and_it_is_audited(
    active: Award, applicant: User
) -> None:
    output = actions.do_add_output(
        acting_user=applicant,
        award=active,
        kind="publication",
        title="Cantonese LLM pre-training at scale",
        doi="https://doi.org/10.48550/arXiv.2401.00001",
    )
    assert output.award == active
    assert output.doi == "10.48550/arXiv.2401.00001"
    event = AuditEvent.objects.get(verb="grants.output.add")
    assert event.actor == applicant
    assert event.object_id == str(output.pk)
    after = event.after or {}
    assert after["award"] == active.project_code
    assert after["doi"] == "10.48550/arXiv.2401.00001"


def test_a_released_model_keeps_its_url_licence_and_the_report_that_declared_it(
    active: Award, applicant: User
) -> None:
    report = actions.do_submit_report(
        acting_user=applicant, award=active, kind="progress", text="M1 done; weights released."
    )
    model = actions.do_add_output(
        acting_user=applicant,
        award=active,
        kind="model",
        title="Canto-13B",
        url="https://huggingface.co/hk-lab/canto-13b",
        licence="Apache-2.0",
        report=report,
    )
    assert (model.url, model.licence, model.report) == (
        "https://huggingface.co/hk-lab/canto-13b",
        "Apache-2.0",
        report,
    )
    assert list(report.outputs.all()) == [model]


def test_it_refuses_a_malformed_doi_or_a_model_without_licence_and_saves_nothing(
    active: Award, applicant: User
) -> None:
    with pytest.raises(RuleViolation, match="not a DOI") as err:
        actions.do_add_output(
            acting_user=applicant, award=active, kind="publication", title="P", doi="10.12/x"
        )
    assert err.value.field == "doi"
    with pytest.raises(RuleViolation) as err:
        actions.do_add_output(
            acting_user=applicant, award=active, kind="model", title="M", url="https://a.org/m"
        )
    assert err.value.field == "licence"
    assert not Output.objects.exists()
    assert not AuditEvent.objects.filter(verb="grants.output.add").exists()


def test_outputs_wait_for_publication_and_stay_with_their_own_awards_reports(
    award: Award, applicant: User
) -> None:
    with pytest.raises(RuleViolation, match="published") as err:
        actions.do_add_output(
            acting_user=applicant, award=award, kind="publication", title="P", doi="10.1038/n1"
        )
    assert err.value.field == "award"


def test_a_report_of_another_award_is_refused(active: Award, applicant: User) -> None:
    other = Report(award_id=active.pk + 1, kind="progress", text="theirs")
    with pytest.raises(RuleViolation, match="another award") as err:
        actions.do_add_output(
            acting_user=applicant,
            award=active,
            kind="publication",
            title="P",
            doi="10.1038/n1",
            report=other,
        )
    assert err.value.field == "report"
    assert not Output.objects.exists()


def test_the_annual_report_counts_the_years_outputs_per_kind(
    active: Award, applicant: User
) -> None:
    for doi in ("10.1038/n1", "10.1038/n2"):
        actions.do_add_output(
            acting_user=applicant, award=active, kind="publication", title="P", doi=doi
        )
    actions.do_add_output(
        acting_user=applicant,
        award=active,
        kind="dataset",
        title="Corpus",
        url="https://a.org/d",
        licence="CC-BY-4.0",
    )
    year = timezone.localdate().year
    assert annual_report(year)["outputs"] == {"dataset": 1, "publication": 2}
    assert annual_report(year - 1)["outputs"] == {}
