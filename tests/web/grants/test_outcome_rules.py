"""The rules behind the outcome forms and endpoints, beyond the happy path: which role is offered
which form on the award page, what an auditor may only read, a KPI named twice or reported on
another award, a value or a survey answer given again, an output declared on no report, the kind
a form follows, files too large, and every outcome page in Chinese."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from aisc.web.accounts.models import User
from aisc.web.audit.models import AuditEvent
from aisc.web.grants import actions
from aisc.web.grants.choices import OutputKind
from aisc.web.grants.citations import MAX_FILE_BYTES, uploaded_text
from aisc.web.grants.forms_outcomes import KIND_FIELDS
from aisc.web.grants.models import Award, FollowUpSurvey, Kpi, KpiValue, Output, Report
from tests.web.grants.test_pages_zh import chinese

pytestmark = pytest.mark.django_db
API = "/api/v1/grants"


def logged(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_every_kind_of_output_has_its_form() -> None:
    assert set(KIND_FIELDS) == set(OutputKind.values)


def test_the_award_page_offers_each_role_only_the_outcome_forms_it_may_use(
    report: Report,
    applicant: User,
    secretariat: User,
    committee: User,
    make_user: Callable[..., User],
) -> None:
    actions.do_agree_kpi(
        acting_user=secretariat, award=report.award, name="Users", target="9", unit="users"
    )
    page = f"/grants/awards/{report.award_id}/"
    grantee = logged(applicant).get(page).content.decode()
    assert f"/grants/reports/{report.pk}/outputs/new" in grantee
    assert f"/grants/reports/{report.pk}/import" in grantee
    assert f"/grants/reports/{report.pk}/kpi-values" in grantee
    assert "agree-kpi" not in grantee
    for staff in (secretariat, committee):
        seen = logged(staff).get(page).content.decode()
        assert "agree-kpi" in seen
        assert "/outputs/new" not in seen
    auditor = logged(make_user("auditor")).get(page).content.decode()
    assert "agree-kpi" not in auditor
    assert "/outputs/new" not in auditor
    assert "answer-survey" not in grantee  # not yet due


def test_an_auditor_reads_outcomes_but_declares_nothing(
    report: Report,
    applicant: User,
    make_user: Callable[..., User],
    api_client: Callable[[User], Client],
) -> None:
    actions.do_add_output(
        acting_user=applicant, award=report.award, report=report, kind="product", title="Chat"
    )
    auditor = make_user("auditor")
    assert logged(auditor).get(f"/grants/reports/{report.pk}/outputs/new").status_code == 403
    api = api_client(auditor)
    listed = api.get(f"{API}/awards/{report.award_id}/outputs")
    assert [o["title"] for o in listed.json()] == ["Chat"]
    declare = api.post(
        f"{API}/awards/{report.award_id}/outputs",
        {"kind": "product", "title": "X"},
        "application/json",
    )
    assert declare.status_code == 403
    assert Output.objects.count() == 1


def test_a_kpi_named_twice_is_refused_beside_its_name_keeping_the_target(
    active: Award, committee: User
) -> None:
    client = logged(committee)
    url = f"/grants/awards/{active.pk}/kpis/new"
    first = client.post(url, {"name": "Monthly users", "target": "100", "unit": "users"})
    assert first.status_code == 302
    again = client.post(url, {"name": "monthly USERS", "target": "250", "unit": "users"})
    assert again.status_code == 422
    assert "already has a KPI" in again.context["form"].errors["name"][0]
    assert 'value="250"' in again.content.decode()
    assert Kpi.objects.count() == 1


def test_a_kpi_the_user_cannot_see_is_a_404_on_a_report(
    report: Report, applicant: User, secretariat: User, api_client: Callable[[User], Client]
) -> None:
    kpi = actions.do_agree_kpi(
        acting_user=secretariat, award=report.award, name="Users", target="9", unit="users"
    )
    api = api_client(applicant)
    unknown = api.put(
        f"{API}/reports/{report.pk}/kpis/{kpi.pk + 99}", {"value": "5"}, "application/json"
    )
    assert unknown.status_code == 404
    assert not KpiValue.objects.exists()
    done = api.put(f"{API}/reports/{report.pk}/kpis/{kpi.pk}", {"value": "5"}, "application/json")
    assert done.json()["values"] == [{"report": report.pk, "value": "5.00"}]


def test_a_kpi_value_given_again_replaces_the_first_with_both_in_the_audit_row(
    report: Report, applicant: User, secretariat: User
) -> None:
    kpi = actions.do_agree_kpi(
        acting_user=secretariat, award=report.award, name="Papers", target="3", unit="papers"
    )
    client = logged(applicant)
    url = f"/grants/reports/{report.pk}/kpi-values"
    assert client.post(url, {"kpi": kpi.pk, "value": "1"}).status_code == 302
    assert client.post(url, {"kpi": kpi.pk, "value": "2"}).status_code == 302
    assert KpiValue.objects.get().value == Decimal(2)
    second = AuditEvent.objects.filter(verb="grants.kpi.report").order_by("pk").last()
    assert second is not None
    assert ((second.before or {})["value"], (second.after or {})["value"]) == ("1.00", "2.00")
    missing = client.post(url, {"value": "2"})
    assert missing.status_code == 422
    assert "kpi" in missing.context["form"].errors


def test_a_kpi_value_waits_for_an_open_report(
    report: Report, applicant: User, secretariat: User
) -> None:
    kpi = actions.do_agree_kpi(
        acting_user=secretariat, award=report.award, name="Papers", target="3", unit="papers"
    )
    actions.do_accept_report(acting_user=secretariat, report=report)
    late = logged(applicant).post(
        f"/grants/reports/{report.pk}/kpi-values", {"kpi": kpi.pk, "value": "1"}
    )
    assert late.status_code == 422
    assert "awaits its decision" in late.content.decode()
    assert not KpiValue.objects.exists()


def test_the_survey_answered_again_replaces_the_first_answer(
    active: Award, applicant: User
) -> None:
    Award.objects.filter(pk=active.pk).update(end_date=dt.date.today() - dt.timedelta(days=400))
    client = logged(applicant)
    url = f"/grants/awards/{active.pk}/survey"
    assert client.post(url, {"revenue": "10", "users": "1", "jobs": "0"}).status_code == 302
    page = client.get(f"/grants/awards/{active.pk}/").content.decode()
    assert "Correct the survey answer" in page
    assert client.post(url, {"revenue": "20", "users": "2", "jobs": "1"}).status_code == 302
    answer = FollowUpSurvey.objects.get(award=active)
    assert (answer.revenue, answer.users, answer.jobs) == (Decimal(20), 2, 1)
    corrected = AuditEvent.objects.filter(verb="grants.survey.answer").order_by("pk").last()
    assert corrected is not None
    assert (corrected.before or {})["users"] == 1


def test_an_output_declared_on_no_report_changes_only_while_its_award_is_open(
    active: Award, applicant: User, secretariat: User, api_client: Callable[[User], Client]
) -> None:
    api = api_client(applicant)
    made = api.post(
        f"{API}/awards/{active.pk}/outputs",
        {"kind": "follow_on_funding", "title": "ITF", "quantity": "500000"},
        "application/json",
    ).json()
    assert made["report"] is None
    url = f"{API}/outputs/{made['id']}"
    zero = api.put(url, {"title": "ITF", "quantity": "0"}, "application/json")
    assert zero.status_code == 422
    assert json.loads(zero.content)["error"]["field"] == "quantity"
    assert (
        api.put(url, {"title": "ITF seed", "quantity": "600000"}, "application/json").status_code
        == 200
    )
    actions.do_cancel_award(acting_user=secretariat, award=active, reason="missed obligations")
    closed = api.put(url, {"title": "ITF later", "quantity": "1"}, "application/json")
    assert closed.status_code == 422
    assert json.loads(closed.content)["error"]["field"] == "award"
    assert api.delete(url).status_code == 422
    assert Output.objects.get().title == "ITF seed"


def test_an_edit_follows_the_outputs_own_kind(report: Report, applicant: User) -> None:
    output = actions.do_add_output(
        acting_user=applicant, award=report.award, report=report, kind="patent_filed",
        title="Sparse attention", reference="HK300",
    )  # fmt: skip
    client = logged(applicant)
    page = client.get(f"/grants/outputs/{output.pk}/edit")
    assert list(page.context["form"].fields) == ["title", "reference", "url"]
    assert "Application number" in page.content.decode()
    lost = client.post(f"/grants/outputs/{output.pk}/edit", {"title": "Sparse attention"})
    assert lost.status_code == 422
    assert "reference" in lost.context["form"].errors
    output.refresh_from_db()
    assert output.reference == "HK300"


def test_a_posted_unknown_kind_is_refused_and_a_wrong_one_asked_for_shows_a_publication(
    report: Report, applicant: User
) -> None:
    client = logged(applicant)
    url = f"/grants/reports/{report.pk}/outputs/new"
    refused = client.post(url, {"kind": "poem", "title": "Ode"})
    assert refused.status_code == 422
    assert "kind" in refused.context["kind_form"].errors
    assert not Output.objects.exists()
    shown = client.get(url, {"kind": "poem"})
    assert list(shown.context["form"].fields) == ["title", "doi", "url"]


def test_a_csl_json_file_is_imported_through_the_portal(report: Report, applicant: User) -> None:
    client = logged(applicant)
    url = f"/grants/reports/{report.pk}/import"
    items = [{"id": "x", "title": "Canto LLM", "DOI": "10.1038/n1", "URL": "https://x.org/1"}]
    upload = SimpleUploadedFile("refs.json", json.dumps(items).encode(), "application/json")
    preview = client.post(url, {"format": "csl-json", "file": upload})
    assert [p.doi for p in preview.context["preview"].added] == ["10.1038/n1"]
    assert client.post(url, preview.context["confirm"].initial).status_code == 302
    saved = Output.objects.get()
    assert (saved.title, saved.url, saved.report) == ("Canto LLM", "https://x.org/1", report)


def test_an_uploaded_file_is_read_as_text_without_its_byte_order_mark() -> None:
    with_bom = SimpleUploadedFile("refs.bib", "\ufeff@article{a, title={Ü}}".encode())
    assert uploaded_text(with_bom) == "@article{a, title={Ü}}"


@pytest.mark.parametrize(
    ("content", "rule"),
    [
        (b"%" * (MAX_FILE_BYTES + 1), "at most 2 MB"),
        (b"\xff\xfe\x00bad", "not a text file in UTF-8"),
    ],
    ids=["too-large", "not-utf-8"],
)
@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_a_file_too_large_or_not_utf_8_is_refused_alike_in_the_portal_and_the_api(
    report: Report,
    applicant: User,
    api_client: Callable[[User], Client],
    content: bytes,
    rule: str,
    language: str,
) -> None:
    said = chinese(rule) if language == "zh-hant" else rule
    portal = logged(applicant).post(
        f"/grants/reports/{report.pk}/import",
        {"format": "bibtex", "file": SimpleUploadedFile("refs.bib", content)},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert portal.status_code == 422
    assert portal.context["form"].errors["file"] == [said]
    api = api_client(applicant).post(
        f"{API}/awards/{report.award_id}/outputs/import",
        {"format": "bibtex", "file": SimpleUploadedFile("refs.bib", content)},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert api.status_code == 422
    error = json.loads(api.content)["error"]
    assert (error["field"], error["message"]) == ("file", said)
    assert not Output.objects.exists()


def test_every_outcome_page_speaks_chinese(
    report: Report, applicant: User, secretariat: User
) -> None:
    output = actions.do_add_output(
        acting_user=applicant, award=report.award, report=report, kind="people_hired",
        title="Engineers", quantity="2",
    )  # fmt: skip
    Award.objects.filter(pk=report.award_id).update(
        end_date=dt.date.today() - dt.timedelta(days=400)
    )
    grantee = logged(applicant)
    staff = logged(secretariat)
    for client in (grantee, staff):
        client.cookies["django_language"] = "zh-hant"
    pages = [
        (
            grantee,
            f"/grants/reports/{report.pk}/outputs/new?kind=people_hired",
            ("How many people",),
        ),
        (grantee, f"/grants/outputs/{output.pk}/edit", ("Roles", "Save")),
        (grantee, f"/grants/outputs/{output.pk}/withdraw", ("Withdraw the output",)),
        (grantee, f"/grants/reports/{report.pk}/import", ("Import publications", "Preview")),
        (
            grantee,
            f"/grants/awards/{report.award_id}/survey",
            ("Follow-up survey", "Revenue (HK$)"),
        ),
        (grantee, f"/grants/awards/{report.award_id}/", ("Declare an output",)),
        (staff, f"/grants/awards/{report.award_id}/kpis/new", ("Agree a KPI", "Unit")),
    ]
    for client, url, english in pages:
        body = client.get(url).content.decode()
        for text in english:
            assert chinese(text) in body, (url, text)
    refused = staff.post(
        f"/grants/awards/{report.award_id}/kpis/new", {"name": "Users", "target": "5"}
    )
    assert refused.status_code == 422
    rule = "a KPI needs its unit (1 to %(max_unit)s characters, e.g. users, papers, HK$)"
    assert refused.context["form"].errors["unit"] == [chinese(rule) % {"max_unit": 40}]


def test_the_impact_page_shows_an_edit_and_forgets_a_withdrawn_output(
    report: Report, applicant: User, client: Client
) -> None:
    grantee = logged(applicant)
    new = f"/grants/reports/{report.pk}/outputs/new"
    grantee.post(new, {"kind": "product", "title": "Canto chat"})
    grantee.post(
        new, {"kind": "software", "title": "tok", "url": "https://g.hk/t", "licence": "MIT"}
    )
    chat, tok = Output.objects.order_by("pk")
    grantee.post(f"/grants/outputs/{chat.pk}/edit", {"title": "Canto chat service"})
    grantee.post(f"/grants/outputs/{tok.pk}/withdraw")
    published = client.get("/impact.json").json()
    mine = next(a for a in published["awards"] if a["project_code"] == report.award.project_code)
    assert [o["title"] for o in mine["outputs"]] == ["Canto chat service"]
    year = next(t for t in published["totals"] if sum(t["outputs"].values()))
    assert (year["outputs"]["product"], year["outputs"]["software"]) == (1, 0)


def test_an_import_on_a_report_of_another_award_is_a_404_and_saves_nothing(
    report: Report, applicant: User, api_client: Callable[[User], Client]
) -> None:
    upload = SimpleUploadedFile("r.bib", b"@article{a, title={T}, doi={10.1038/n1}}")
    refused = api_client(applicant).post(
        f"{API}/awards/{report.award_id}/outputs/import",
        {"format": "bibtex", "file": upload, "report": report.pk + 99},
    )
    assert refused.status_code == 404
    assert not Output.objects.exists()


def test_the_survey_read_through_the_api_counts_the_reminders_sent(
    active: Award, applicant: User, api_client: Callable[[User], Client]
) -> None:
    Award.objects.filter(pk=active.pk).update(end_date=dt.date.today() - dt.timedelta(days=400))
    # 35 days past due: the second reminder, the latest the worker missed, is the one sent.
    assert actions.do_send_survey_reminders() == [f"{active.project_code} #2"]
    read = api_client(applicant).get(f"{API}/awards/{active.pk}/survey").json()
    assert (read["reminders_sent"], read["answered_at"], read["users"]) == (2, None, None)
