"""The portal's outcome forms: a grantee declares each kind of output on a report that awaits its
decision (the form follows the kind), edits or withdraws it while the report is open, imports
publications from a file (preview, then confirm; a bad entry saves nothing), reports KPI values
and answers the follow-up survey; the secretariat agrees KPIs. A refused form keeps what was typed
and names the field, in English and in Chinese; another organisation's member sees nothing."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from aisc.web.accounts.models import Organisation, User
from aisc.web.audit.models import AuditEvent
from aisc.web.grants import actions
from aisc.web.grants.forms_outcomes import KIND_FIELDS
from aisc.web.grants.models import Award, FollowUpSurvey, Kpi, KpiValue, Output, Report
from tests.web.grants.test_pages_zh import chinese

pytestmark = pytest.mark.django_db

BIBTEX = r"""
@article{lee2026canto,
  title = {Cantonese Pre-training for Large Models},
  year = {2026},
  doi = {10.1162/tacl.2026.0042}
}
@inproceedings{wong2026sparse,
  title = {Sparse attention on domestic accelerators},
  doi = {https://doi.org/10.1145/3700000.3700001}
}
"""
# What a valid output of each kind is declared with on the form.
TYPED: dict[str, dict[str, str]] = {
    "publication": {"title": "Canto LLM", "doi": "doi:10.1038/nature14539"},
    "model": {"title": "Canto-13B", "url": "https://hf.co/hk/c13b", "licence": "Apache-2.0"},
    "dataset": {"title": "HK news", "url": "https://data.hk/news", "licence": "CC-BY-4.0"},
    "software": {"title": "canto-tok", "url": "https://github.com/hk/t", "licence": "MIT"},
    "patent_filed": {"title": "Sparse attention", "reference": "HK30012345A"},
    "patent_granted": {"title": "Mixed precision", "reference": "HK1250001B"},
    "product": {"title": "Canto chat", "url": "https://chat.example.hk"},
    "people_hired": {"title": "ML engineers", "quantity": "4"},
    "people_trained": {"title": "Graduate students", "quantity": "1,200"},
    "follow_on_funding": {"title": "ITF seed round", "quantity": "2,500,000.50"},
}


@pytest.fixture
def grantee(applicant: User) -> Client:
    client = Client()
    client.force_login(applicant)
    return client


def test_the_form_asks_for_exactly_the_fields_of_the_kind_chosen(
    grantee: Client, report: Report
) -> None:
    for kind, fields in KIND_FIELDS.items():
        page = grantee.get(f"/grants/reports/{report.pk}/outputs/new", {"kind": kind})
        assert page.status_code == 200
        form = page.context["form"]
        assert list(form.fields) == ["title", *fields], kind
    funding = grantee.get(f"/grants/reports/{report.pk}/outputs/new?kind=follow_on_funding")
    assert "Amount raised (HK$)" in funding.content.decode()


def test_a_grantee_declares_every_kind_of_output_on_the_open_report(
    grantee: Client, report: Report
) -> None:
    for kind, typed in TYPED.items():
        done = grantee.post(f"/grants/reports/{report.pk}/outputs/new", {"kind": kind, **typed})
        assert done.status_code == 302, (kind, done.content.decode()[-600:])
        assert done["Location"] == f"/grants/awards/{report.award_id}/"
    stored = {o.kind: o for o in Output.objects.filter(report=report)}
    assert set(stored) == set(TYPED)
    assert stored["publication"].doi == "10.1038/nature14539"
    assert stored["people_trained"].quantity == Decimal(1200)
    assert stored["follow_on_funding"].quantity == Decimal("2500000.50")
    assert stored["model"].licence == "Apache-2.0"
    assert AuditEvent.objects.filter(verb="grants.output.add").count() == len(TYPED)
    award = grantee.get(f"/grants/awards/{report.award_id}/").content.decode()
    assert "Canto-13B" in award
    assert "/withdraw" in award


def test_a_malformed_doi_is_refused_beside_its_field_keeping_what_was_typed(
    grantee: Client, report: Report
) -> None:
    typed = {"kind": "publication", "title": "Canto LLM", "doi": "10.12/x"}
    refused = grantee.post(f"/grants/reports/{report.pk}/outputs/new", typed)
    assert refused.status_code == 422
    assert "not a DOI" in refused.context["form"].errors["doi"][0]
    body = refused.content.decode()
    assert 'value="Canto LLM"' in body
    assert 'value="10.12/x"' in body
    assert not Output.objects.exists()
    grantee.cookies["django_language"] = "zh-hant"
    in_chinese = grantee.post(f"/grants/reports/{report.pk}/outputs/new", typed)
    assert in_chinese.status_code == 422
    rule = "not a DOI: %(text)s (expected 10.NNNN/suffix, e.g. 10.1038/nature14539)"
    expected = chinese(rule) % {"text": "'10.12/x'"}
    assert in_chinese.context["form"].errors["doi"] == [expected]
    assert not Output.objects.exists()


def test_a_model_without_its_licence_or_people_without_a_count_are_refused_naming_the_field(
    grantee: Client, report: Report
) -> None:
    url = f"/grants/reports/{report.pk}/outputs/new"
    model = grantee.post(url, {"kind": "model", "title": "M", "url": "https://a.org/m"})
    assert model.status_code == 422
    assert "licence" in model.context["form"].errors
    people = grantee.post(url, {"kind": "people_hired", "title": "Engineers", "quantity": "2.5"})
    assert people.status_code == 422
    assert "whole number" in people.context["form"].errors["quantity"][0]
    assert not Output.objects.exists()


def test_an_output_is_edited_and_withdrawn_while_its_report_awaits_its_decision(
    grantee: Client, report: Report, applicant: User
) -> None:
    output = actions.do_add_output(
        acting_user=applicant, award=report.award, report=report, kind="people_hired",
        title="Engineers", quantity="3",
    )  # fmt: skip
    form = grantee.get(f"/grants/outputs/{output.pk}/edit")
    assert form.context["form"].initial["quantity"] == "3"
    saved = grantee.post(
        f"/grants/outputs/{output.pk}/edit", {"title": "Engineers", "quantity": "5"}
    )
    assert saved.status_code == 302
    output.refresh_from_db()
    assert output.quantity == Decimal(5)
    edit = AuditEvent.objects.get(verb="grants.output.update")
    assert ((edit.before or {})["quantity"], (edit.after or {})["quantity"]) == ("3.00", "5.00")
    bad = grantee.post(f"/grants/outputs/{output.pk}/edit", {"title": "", "quantity": "5"})
    assert bad.status_code == 422
    assert "title" in bad.context["form"].errors
    confirm = grantee.get(f"/grants/outputs/{output.pk}/withdraw")
    assert "Engineers" in confirm.content.decode()
    gone = grantee.post(f"/grants/outputs/{output.pk}/withdraw")
    assert gone.status_code == 302
    assert not Output.objects.exists()
    withdrawn = AuditEvent.objects.get(verb="grants.output.withdraw")
    assert (withdrawn.before or {})["title"] == "Engineers"


def test_once_the_report_is_accepted_its_outputs_stay_as_declared(
    grantee: Client, report: Report, applicant: User, secretariat: User
) -> None:
    output = actions.do_add_output(
        acting_user=applicant, award=report.award, report=report, kind="product", title="Chat"
    )
    actions.do_accept_report(acting_user=secretariat, report=report)
    edit = grantee.post(f"/grants/outputs/{output.pk}/edit", {"title": "Changed"})
    assert edit.status_code == 422
    assert "has been decided on" in edit.content.decode()
    withdraw = grantee.post(f"/grants/outputs/{output.pk}/withdraw")
    assert withdraw.status_code == 200
    assert "has been decided on" in withdraw.content.decode()
    declare = grantee.post(f"/grants/reports/{report.pk}/outputs/new", TYPED["product"])
    assert declare.status_code == 422
    output.refresh_from_db()
    assert output.title == "Chat"
    assert Output.objects.count() == 1
    award = grantee.get(f"/grants/awards/{report.award_id}/").content.decode()
    assert "/withdraw" not in award
    assert "/outputs/new" not in award


def upload(text: str, name: str = "refs.bib") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


def test_an_import_shows_what_it_adds_and_skips_then_saves_on_confirmation(
    grantee: Client, report: Report, applicant: User
) -> None:
    actions.do_add_output(
        acting_user=applicant, award=report.award, kind="publication", title="Known",
        doi="10.1162/TACL.2026.0042",
    )  # fmt: skip
    url = f"/grants/reports/{report.pk}/import"
    preview = grantee.post(url, {"format": "bibtex", "file": upload(BIBTEX)})
    assert preview.status_code == 200
    shown = preview.context["preview"]
    assert [p.doi for p in shown.added] == ["10.1145/3700000.3700001"]
    assert [p.doi for p in shown.skipped] == ["10.1162/tacl.2026.0042"]
    assert Output.objects.count() == 1
    confirm = preview.context["confirm"].initial
    done = grantee.post(url, confirm)
    assert done.status_code == 302
    imported = Output.objects.get(doi="10.1145/3700000.3700001")
    assert (imported.report, imported.title) == (
        report,
        "Sparse attention on domestic accelerators",
    )
    again = grantee.post(url, {"format": "bibtex", "file": upload(BIBTEX)})
    assert again.context["preview"].added == []
    assert "Nothing new" in again.content.decode()


def test_a_file_with_a_bad_entry_is_refused_naming_it_and_saves_nothing(
    grantee: Client, report: Report
) -> None:
    url = f"/grants/reports/{report.pk}/import"
    broken = BIBTEX.replace("10.1145/3700000.3700001", "10.12/short")
    refused = grantee.post(url, {"format": "bibtex", "file": upload(broken)})
    assert refused.status_code == 422
    error = refused.context["form"].errors["file"][0]
    assert error.startswith("entry 2 (wong2026sparse): doi: not a DOI")
    # A confirmation whose text was changed after the preview is checked again.
    tampered = grantee.post(url, {"format": "bibtex", "text": broken})
    assert tampered.status_code == 422
    assert "wong2026sparse" in tampered.content.decode()
    csl = json.dumps([{"id": "a", "title": "T", "DOI": "10.1038/n1"}, {"id": "b", "title": "U"}])
    csl_refused = grantee.post(url, {"format": "csl-json", "file": upload(csl, "refs.json")})
    assert csl_refused.status_code == 422
    binary = SimpleUploadedFile("refs.bib", b"\xff\xfe\x00bad", content_type="text/plain")
    not_text = grantee.post(url, {"format": "bibtex", "file": binary})
    assert "UTF-8" in not_text.context["form"].errors["file"][0]
    assert not Output.objects.exists()
    assert not AuditEvent.objects.filter(verb="grants.output.add").exists()


def test_the_secretariat_agrees_a_kpi_and_one_without_a_unit_is_refused(
    active: Award, secretariat: User, grantee: Client
) -> None:
    staff = Client()
    staff.force_login(secretariat)
    url = f"/grants/awards/{active.pk}/kpis/new"
    refused = staff.post(url, {"name": "Monthly users", "target": "10,000", "unit": ""})
    assert refused.status_code == 422
    assert "unit" in refused.context["form"].errors
    assert 'value="Monthly users"' in refused.content.decode()
    assert not Kpi.objects.exists()
    done = staff.post(url, {"name": "Monthly users", "target": "10,000", "unit": "users"})
    assert done.status_code == 302
    kpi = Kpi.objects.get()
    assert (kpi.name, kpi.target, kpi.unit) == ("Monthly users", Decimal(10000), "users")
    assert grantee.get(url).status_code == 403
    assert "agree-kpi" in staff.get(f"/grants/awards/{active.pk}/").content.decode()


def test_the_grantee_reports_a_kpi_value_on_the_open_report(
    grantee: Client, report: Report, secretariat: User
) -> None:
    kpi = actions.do_agree_kpi(
        acting_user=secretariat, award=report.award, name="Papers", target="3", unit="papers"
    )
    url = f"/grants/reports/{report.pk}/kpi-values"
    form = grantee.get(url, {"kpi": kpi.pk})
    assert form.status_code == 200
    assert "Papers (3 papers)" in form.content.decode()
    refused = grantee.post(url, {"kpi": kpi.pk, "value": "lots"})
    assert refused.status_code == 422
    assert 'value="lots"' in refused.content.decode()
    assert grantee.post(url, {"kpi": kpi.pk, "value": "2"}).status_code == 302
    assert KpiValue.objects.get().value == Decimal(2)


def test_the_follow_up_survey_is_answered_once_it_is_due(grantee: Client, active: Award) -> None:
    url = f"/grants/awards/{active.pk}/survey"
    early = grantee.post(url, {"revenue": "1,000", "users": "50", "jobs": "3"})
    assert early.status_code == 422
    assert "opens on" in early.content.decode()
    Award.objects.filter(pk=active.pk).update(end_date=dt.date.today() - dt.timedelta(days=400))
    assert "answer-survey" in grantee.get(f"/grants/awards/{active.pk}/").content.decode()
    bad = grantee.post(url, {"revenue": "1,000", "users": "many", "jobs": "3"})
    assert bad.status_code == 422
    assert "users" in bad.context["form"].errors
    assert grantee.post(url, {"revenue": "1,000", "users": "50", "jobs": "3"}).status_code == 302
    answer = FollowUpSurvey.objects.get(award=active)
    assert (answer.revenue, answer.users, answer.jobs) == (Decimal(1000), 50, 3)


def test_a_member_of_another_organisation_can_neither_see_nor_add_outputs(
    report: Report,
    applicant: User,
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
) -> None:
    output = actions.do_add_output(
        acting_user=applicant, award=report.award, report=report, kind="product", title="Chat"
    )
    stranger = Client()
    stranger.force_login(make_user(org=make_org(name_en="Elsewhere Ltd")))
    for url in (
        f"/grants/reports/{report.pk}/outputs/new",
        f"/grants/reports/{report.pk}/import",
        f"/grants/reports/{report.pk}/kpi-values",
        f"/grants/outputs/{output.pk}/edit",
        f"/grants/outputs/{output.pk}/withdraw",
        f"/grants/awards/{report.award_id}/survey",
    ):
        assert stranger.get(url).status_code == 404, url
        assert stranger.post(url, TYPED["product"]).status_code == 404, url
    assert list(Output.objects.values_list("title", flat=True)) == ["Chat"]
