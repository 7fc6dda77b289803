"""The API of an award's outcomes (/api/v1/grants): outputs listed, declared on a report, changed,
withdrawn and imported from a file (with a dry run); KPIs agreed and reported against; the
follow-up survey read and answered. Bad input is a 422 naming the field and saves nothing;
another organisation's member gets 404 and learns nothing."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from aisc.web.accounts.models import Organisation, User
from aisc.web.audit.models import AuditEvent
from aisc.web.grants import actions
from aisc.web.grants.models import Award, FollowUpSurvey, Kpi, KpiValue, Output, Report
from tests.web.grants.test_outcome_pages import upload

pytestmark = pytest.mark.django_db
API = "/api/v1/grants"
BIBTEX = """
@article{a, title = {Canto LLM}, doi = {10.1038/n1}}
@article{b, title = {Sparse attention}, doi = {10.1038/n2}, url = {https://x.org/b}}
"""


@pytest.fixture
def grantee(applicant: User, api_client: Callable[[User], Client]) -> Client:
    return api_client(applicant)


def error_of(response: object) -> dict[str, str]:
    body = json.loads(response.content)  # type: ignore[attr-defined]
    return dict(body["error"])


def test_a_grantee_declares_lists_changes_and_withdraws_an_output(
    grantee: Client, report: Report
) -> None:
    url = f"{API}/awards/{report.award_id}/outputs"
    body = {"kind": "people_trained", "title": "Students", "quantity": "1,200", "report": report.pk}
    created = grantee.post(url, body, content_type="application/json")
    assert created.status_code == 201, created.content
    made = created.json()
    assert (made["kind"], made["report"], Decimal(made["quantity"])) == (
        "people_trained",
        report.pk,
        Decimal(1200),
    )
    listed = grantee.get(url).json()
    assert [o["title"] for o in listed] == ["Students"]
    changed = grantee.put(
        f"{API}/outputs/{made['id']}",
        {"title": "Graduate students", "quantity": "1300"},
        content_type="application/json",
    )
    assert changed.status_code == 200
    assert changed.json()["title"] == "Graduate students"
    gone = grantee.delete(f"{API}/outputs/{made['id']}")
    assert gone.status_code == 204
    assert not Output.objects.exists()
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"grants.output.add", "grants.output.update", "grants.output.withdraw"} <= verbs


def test_a_malformed_doi_is_a_422_naming_the_field_and_saves_nothing(
    grantee: Client, report: Report
) -> None:
    url = f"{API}/awards/{report.award_id}/outputs"
    body = {"kind": "publication", "title": "P", "doi": "10.12/x", "report": report.pk}
    refused = grantee.post(url, body, content_type="application/json")
    assert refused.status_code == 422
    error = error_of(refused)
    assert error["field"] == "doi"
    assert error["message"].startswith("not a DOI")
    zh = grantee.post(url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert zh.status_code == 422
    with translation.override("zh-hant"):
        rule = "not a DOI: %(text)s (expected 10.NNNN/suffix, e.g. 10.1038/nature14539)"
        expected = translation.gettext(rule) % {"text": "'10.12/x'"}
    assert error_of(zh)["message"] == expected != error["message"]
    assert not Output.objects.exists()


def test_a_report_of_another_award_or_an_accepted_one_takes_no_outputs(
    grantee: Client, report: Report, secretariat: User
) -> None:
    url = f"{API}/awards/{report.award_id}/outputs"
    unknown = grantee.post(
        url, {"kind": "product", "title": "Chat", "report": report.pk + 99}, "application/json"
    )
    assert unknown.status_code == 404
    actions.do_accept_report(acting_user=secretariat, report=report)
    decided = grantee.post(
        url, {"kind": "product", "title": "Chat", "report": report.pk}, "application/json"
    )
    assert decided.status_code == 422
    assert error_of(decided)["field"] == "report"
    assert not Output.objects.exists()


def test_an_import_dry_run_saves_nothing_and_the_real_one_skips_known_dois(
    grantee: Client, report: Report, applicant: User
) -> None:
    actions.do_add_output(
        acting_user=applicant, award=report.award, kind="publication", title="Known",
        doi="10.1038/N1",
    )  # fmt: skip
    url = f"{API}/awards/{report.award_id}/outputs/import"
    dry = grantee.post(url, {"format": "bibtex", "file": upload(BIBTEX), "dry_run": "true"})
    assert dry.status_code == 200, dry.content
    seen = dry.json()
    assert (seen["saved"], seen["ids"]) == (False, [])
    assert [p["doi"] for p in seen["added"]] == ["10.1038/n2"]
    assert [p["doi"] for p in seen["skipped"]] == ["10.1038/n1"]
    assert Output.objects.count() == 1
    done = grantee.post(url, {"format": "bibtex", "file": upload(BIBTEX), "report": report.pk})
    assert done.status_code == 200
    ids = done.json()["ids"]
    assert Output.objects.get(pk=ids[0]).report == report
    assert Output.objects.count() == 2


def test_a_file_with_a_bad_entry_is_refused_naming_entry_field_and_rule(
    grantee: Client, report: Report
) -> None:
    url = f"{API}/awards/{report.award_id}/outputs/import"
    broken = BIBTEX.replace("10.1038/n2", "10.12/short")
    refused = grantee.post(url, {"format": "bibtex", "file": upload(broken)})
    assert refused.status_code == 422
    error = error_of(refused)
    assert error["field"] == "file"
    assert error["message"].startswith("entry 2 (b): doi: not a DOI")
    binary = SimpleUploadedFile("x.bib", b"\xff\xfe\x00", content_type="text/plain")
    assert error_of(grantee.post(url, {"format": "bibtex", "file": binary}))["field"] == "file"
    unknown = grantee.post(url, {"format": "ris", "file": upload(BIBTEX)})
    assert error_of(unknown)["field"] == "format"
    assert not Output.objects.exists()


def test_kpis_are_agreed_by_the_secretariat_and_reported_against_by_the_grantee(
    grantee: Client,
    report: Report,
    secretariat: User,
    api_client: Callable[[User], Client],
) -> None:
    staff = api_client(secretariat)
    url = f"{API}/awards/{report.award_id}/kpis"
    no_unit = staff.post(url, {"name": "Users", "target": "1000"}, "application/json")
    assert no_unit.status_code == 422
    assert error_of(no_unit)["field"] == "unit"
    assert not Kpi.objects.exists()
    by_grantee = grantee.post(
        url, {"name": "Users", "target": "9", "unit": "u"}, "application/json"
    )
    assert by_grantee.status_code == 403
    agreed = staff.post(
        url, {"name": "Users", "target": "1,000", "unit": "users"}, "application/json"
    )
    assert agreed.status_code == 201
    kpi = agreed.json()
    assert (kpi["name"], Decimal(kpi["target"]), kpi["unit"]) == ("Users", Decimal(1000), "users")
    value_url = f"{API}/reports/{report.pk}/kpis/{kpi['id']}"
    bad = grantee.put(value_url, {"value": "lots"}, "application/json")
    assert bad.status_code == 422
    assert error_of(bad)["field"] == "value"
    assert grantee.put(value_url, {"value": "750"}, "application/json").status_code == 200
    listed = grantee.get(url).json()
    assert listed[0]["values"] == [{"report": report.pk, "value": "750.00"}]
    assert KpiValue.objects.get().value == Decimal(750)


def test_the_survey_says_when_it_is_due_and_takes_the_answer_once_it_is(
    grantee: Client, active: Award
) -> None:
    url = f"{API}/awards/{active.pk}/survey"
    before = grantee.get(url).json()
    assert before["answered_at"] is None
    assert before["due_on"] > active.end_date.isoformat()
    answer = {"revenue": "250,000.50", "users": "40", "jobs": "2"}
    early = grantee.put(url, answer, "application/json")
    assert early.status_code == 422
    assert error_of(early)["field"] == "award"
    Award.objects.filter(pk=active.pk).update(end_date=dt.date.today() - dt.timedelta(days=400))
    bad = grantee.put(url, {**answer, "jobs": "-1"}, "application/json")
    assert bad.status_code == 422
    assert error_of(bad)["field"] == "jobs"
    done = grantee.put(url, answer, "application/json")
    assert done.status_code == 200
    assert Decimal(done.json()["revenue"]) == Decimal("250000.50")
    assert FollowUpSurvey.objects.get(award=active).users == 40


def test_a_member_of_another_organisation_can_neither_see_nor_add_outcomes(
    report: Report,
    applicant: User,
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
    api_client: Callable[[User], Client],
) -> None:
    output = actions.do_add_output(
        acting_user=applicant, award=report.award, report=report, kind="product", title="Chat"
    )
    stranger = api_client(make_user(org=make_org(name_en="Elsewhere Ltd")))
    award = report.award_id
    for path in ("outputs", "kpis", "survey"):
        response = stranger.get(f"{API}/awards/{award}/{path}")
        assert response.status_code == 404, path
        assert "Chat" not in response.content.decode()
    add = stranger.post(f"{API}/awards/{award}/outputs", {"kind": "product", "title": "X"},
                        "application/json")  # fmt: skip
    assert add.status_code == 404
    assert stranger.delete(f"{API}/outputs/{output.pk}").status_code == 404
    assert list(Output.objects.values_list("title", flat=True)) == ["Chat"]
