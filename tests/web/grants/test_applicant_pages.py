"""The applicant's pages without a browser: save a draft, upload, submit, and report on an award;
each refusal names the field and the rule and keeps what was saved."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest

from aisc.web.accounts.models import Organisation, User
from aisc.web.grants.forms import ApplicationForm
from aisc.web.grants.models import Application, Award, Report
from tests.fixtures.pages import as_client, flashed

pytestmark = pytest.mark.django_db


def pdf(name: str = "statements.pdf") -> io.BytesIO:
    stream = io.BytesIO(b"%PDF-1.7 audited statements")
    stream.name = name
    return stream


def as_posted(application: Application, **changes: str) -> dict[str, object]:
    """The edit form as the browser sends it: every field, with its current value."""
    form = ApplicationForm(instance=application)
    data = {name: form[name].value() for name in form.fields}
    return {k: v for k, v in {**data, **changes}.items() if v is not None}


def test_saving_the_form_says_so_and_stores_the_changes(
    draft: Application, applicant: User
) -> None:
    posted = as_posted(draft, title="Cantonese LLM, second take", gpus="32")
    response = as_client(applicant).post(f"/grants/applications/{draft.pk}/edit", posted)
    assert response.status_code == 200
    assert flashed(response) == ["Draft saved."]
    draft.refresh_from_db()
    assert (draft.title, draft.gpus, draft.months) == ("Cantonese LLM, second take", 32, 6)
    assert draft.summary.startswith("Continued pre-training")


def test_an_upload_from_the_page_is_stored_and_listed_on_the_draft(
    draft: Application, applicant: User
) -> None:
    response = as_client(applicant).post(
        f"/grants/applications/{draft.pk}/upload",
        {"kind": "financial_proof", "file": pdf()},
        follow=True,
    )
    assert flashed(response) == ["Document uploaded."]
    [document] = draft.documents.all()
    assert (document.kind, document.name, document.content_type) == (
        "financial_proof",
        "statements.pdf",
        "application/pdf",
    )
    assert "statements.pdf" in response.content.decode()


def test_an_upload_without_a_file_asks_for_one_and_stores_nothing(
    draft: Application, applicant: User
) -> None:
    response = as_client(applicant).post(
        f"/grants/applications/{draft.pk}/upload", {"kind": "financial_proof"}, follow=True
    )
    assert flashed(response) == ["Choose a kind and a file to upload."]
    assert not draft.documents.exists()


def test_submitting_a_complete_draft_leads_to_its_page_as_submitted(
    draft: Application, applicant: User
) -> None:
    me = as_client(applicant)
    upload = {"kind": "financial_proof", "file": pdf()}
    me.post(f"/grants/applications/{draft.pk}/upload", upload, follow=True)  # shows its message
    response = me.post(f"/grants/applications/{draft.pk}/submit")
    assert response.status_code == 302
    assert response["Location"] == f"/grants/applications/{draft.pk}/"
    assert flashed(response) == ["Application submitted."]
    draft.refresh_from_db()
    assert draft.status == "submitted"


def test_submitting_without_the_financial_proof_returns_to_the_form_naming_it(
    draft: Application, applicant: User
) -> None:
    response = as_client(applicant).post(f"/grants/applications/{draft.pk}/submit")
    assert response["Location"] == f"/grants/applications/{draft.pk}/edit"
    [refusal] = flashed(response)
    assert "financial" in refusal
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert draft.title == "Cantonese LLM"


def test_someone_of_another_organisation_may_not_edit_upload_or_submit(
    draft: Application, make_user: Callable[..., User], make_org: Callable[..., Organisation]
) -> None:
    stranger = as_client(make_user(org=make_org(), membership="admin"))
    base = f"/grants/applications/{draft.pk}"
    # 404, as for an id that does not exist: a draft of another organisation is not theirs to see
    assert stranger.get(f"{base}/edit").status_code == 404
    assert stranger.post(f"{base}/edit", {"title": "Mine now"}).status_code == 404
    upload = stranger.post(f"{base}/upload", {"kind": "financial_proof", "file": pdf()})
    assert upload.status_code == 404
    assert stranger.post(f"{base}/submit").status_code == 404
    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("Cantonese LLM", "draft")
    assert not draft.documents.exists()


def test_the_grantee_reports_on_a_published_award_from_its_page(
    active: Award, applicant: User
) -> None:
    me = as_client(applicant)
    page = me.get(f"/grants/awards/{active.pk}/").content.decode()
    assert "Submit report" in page
    response = me.post(
        f"/grants/awards/{active.pk}/", {"kind": "progress", "text": "  M1 done: data.  "}
    )
    assert response["Location"] == f"/grants/awards/{active.pk}/"
    assert flashed(response) == ["Report submitted."]
    [report] = Report.objects.filter(award=active)
    assert (report.kind, report.text, report.status) == ("progress", "M1 done: data.", "submitted")
    assert report.submitted_by == applicant


def test_an_empty_report_is_refused_on_the_form_and_nothing_is_stored(
    active: Award, applicant: User
) -> None:
    response = as_client(applicant).post(
        f"/grants/awards/{active.pk}/", {"kind": "progress", "text": "   "}
    )
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert not Report.objects.exists()


def test_a_report_before_publication_is_refused_naming_the_award_rule(
    award: Award, applicant: User
) -> None:
    response = as_client(applicant).post(
        f"/grants/awards/{award.pk}/", {"kind": "progress", "text": "Early news."}
    )
    assert response.status_code == 422
    assert flashed(response) == ["award: reports are due only on an active (published) award"]
    assert "Submit report" not in response.content.decode()
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("role", "page_status"),
    [
        ("auditor", 200),
        ("secretariat", 200),
        ("finance", 200),
        ("operator", 200),
        ("reviewer", 404),  # a reviewer sees no award: it does not exist for them
    ],
)
def test_only_the_grantees_members_may_report_whoever_may_read_the_award(
    active: Award, make_user: Callable[..., User], role: str, page_status: int
) -> None:
    staff = as_client(make_user(role))
    page = staff.get(f"/grants/awards/{active.pk}/")
    assert page.status_code == page_status
    assert "Submit report" not in page.content.decode()
    response = staff.post(f"/grants/awards/{active.pk}/", {"kind": "progress", "text": "Hi."})
    assert response.status_code == (403 if page_status == 200 else 404)
    assert not Report.objects.exists()


def test_an_applicant_of_another_organisation_gets_404_on_the_award_as_if_it_did_not_exist(
    active: Award, make_user: Callable[..., User], make_org: Callable[..., Organisation]
) -> None:
    stranger = as_client(make_user(org=make_org(), membership="admin"))
    assert stranger.get(f"/grants/awards/{active.pk}/").status_code == 404
    response = stranger.post(f"/grants/awards/{active.pk}/", {"kind": "final", "text": "Done."})
    assert response.status_code == 404
    assert not Report.objects.exists()
