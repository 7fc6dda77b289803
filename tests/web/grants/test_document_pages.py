"""Documents on the portal: applicants replace and delete them while the application is editable
and may withdraw it (after a page stating the consequence); everyone who may see the application
downloads its documents as attachments of the stored type, and each download is audited."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from aisc.adapters.files import default_store
from aisc.core.errors import NotFound
from aisc.web.accounts.models import User
from aisc.web.audit.models import AuditEvent
from aisc.web.grants import actions
from aisc.web.grants.models import Application, Document

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\nfirst version"
PNG = b"\x89PNG\r\n\x1a\n second version"


def upload(app: Application, user: User, data: bytes = PDF) -> Document:
    return actions.do_upload_document(
        acting_user=user,
        application=app,
        kind="financial_proof",
        name="accounts.pdf",
        stream=io.BytesIO(data),
        size=len(data),
    )


def url(document: Document, action: str = "") -> str:
    base = f"/grants/applications/{document.application_id}/documents/{document.pk}"
    return f"{base}/{action}" if action else base


def test_an_applicant_replaces_a_document_and_the_old_file_leaves_the_store(
    draft: Application,
    applicant: User,
    logged_in: Callable[[User], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    document = upload(draft, applicant)
    old_key = document.key
    client = logged_in(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            url(document, "replace"),
            {"file": SimpleUploadedFile("accounts-2025.png", PNG, content_type="image/png")},
        )
    assert done.status_code == 302
    document.refresh_from_db()
    assert (document.name, document.content_type, document.size) == (
        "accounts-2025.png",
        "image/png",
        len(PNG),
    )
    with default_store().open(document.key) as stored:
        assert stored.read() == PNG
    with pytest.raises(NotFound):
        default_store().open(old_key)
    event = AuditEvent.objects.get(verb="grants.document.replace")
    assert event.before == {"name": "accounts.pdf", "size": len(PDF)}


def test_a_replacement_that_is_not_what_its_name_says_changes_nothing(
    draft: Application, applicant: User, logged_in: Callable[[User], Client]
) -> None:
    document = upload(draft, applicant)
    page = logged_in(applicant).post(
        url(document, "replace"),
        {"file": SimpleUploadedFile("fake.pdf", b"MZ not a pdf")},
        follow=True,
    )
    assert b"content is not a .pdf file" in page.content
    document.refresh_from_db()
    assert document.name == "accounts.pdf"


def test_an_applicant_deletes_a_document_of_a_draft(
    draft: Application, applicant: User, logged_in: Callable[[User], Client]
) -> None:
    document = upload(draft, applicant)
    assert logged_in(applicant).post(url(document, "delete")).status_code == 302
    assert not Document.objects.filter(pk=document.pk).exists()
    assert AuditEvent.objects.filter(verb="grants.document.delete").count() == 1


def test_once_submitted_documents_can_be_neither_replaced_nor_deleted(
    draft: Application, applicant: User, logged_in: Callable[[User], Client]
) -> None:
    document = upload(draft, applicant)
    actions.do_submit_application(acting_user=applicant, application=draft)
    client = logged_in(applicant)
    page = client.post(url(document, "delete"), follow=True)
    assert b"documents can be removed only while the application is editable" in page.content
    client.post(url(document, "replace"), {"file": SimpleUploadedFile("new.png", PNG)})
    document.refresh_from_db()
    assert document.name == "accounts.pdf"


def test_an_assigned_reviewer_downloads_a_document_as_an_audited_attachment(
    draft: Application,
    applicant: User,
    secretariat: User,
    reviewers: list[User],
    logged_in: Callable[[User], Client],
) -> None:
    document = upload(draft, applicant)
    actions.do_submit_application(acting_user=applicant, application=draft)
    answers = dict.fromkeys(draft.call.checklist_codes(), True)
    actions.do_screen(acting_user=secretariat, application=draft, outcome="pass", answers=answers)
    actions.do_assign_reviewer(acting_user=secretariat, application=draft, reviewer=reviewers[0])
    response = logged_in(reviewers[0]).get(url(document))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="accounts.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    event = AuditEvent.objects.get(verb="grants.document.download")
    assert event.actor == reviewers[0]
    page = logged_in(reviewers[0]).get(f"/grants/applications/{draft.pk}/")
    assert url(document).encode() in page.content


def test_someone_who_may_not_see_the_application_gets_no_document(
    draft: Application,
    applicant: User,
    reviewers: list[User],
    make_user: Callable[..., User],
    logged_in: Callable[[User], Client],
) -> None:
    document = upload(draft, applicant)
    actions.do_submit_application(acting_user=applicant, application=draft)
    for outsider in (reviewers[1], make_user()):  # not assigned; no role at all
        assert logged_in(outsider).get(url(document)).status_code == 404
    assert not AuditEvent.objects.filter(verb="grants.document.download").exists()


def test_withdrawing_asks_first_and_states_the_consequence(
    submitted: Application, applicant: User, logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(applicant)
    page = client.get(f"/grants/applications/{submitted.pk}/")
    assert f"/grants/applications/{submitted.pk}/withdraw".encode() in page.content
    confirm = client.get(f"/grants/applications/{submitted.pk}/withdraw")
    assert b"This cannot be undone" in confirm.content
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    client.post(f"/grants/applications/{submitted.pk}/withdraw")
    submitted.refresh_from_db()
    assert submitted.status == "withdrawn"
    assert AuditEvent.objects.filter(verb="grants.application.withdraw", actor=applicant).exists()


def test_staff_who_see_an_application_cannot_withdraw_it(
    submitted: Application, secretariat: User, logged_in: Callable[[User], Client]
) -> None:
    client = logged_in(secretariat)
    assert b"/withdraw" not in client.get(f"/grants/applications/{submitted.pk}/").content
    assert client.post(f"/grants/applications/{submitted.pk}/withdraw").status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_the_withdrawal_page_speaks_chinese(
    submitted: Application, applicant: User, logged_in: Callable[[User], Client]
) -> None:
    page = logged_in(applicant).get(
        f"/grants/applications/{submitted.pk}/withdraw", HTTP_ACCEPT_LANGUAGE="zh-hant"
    )
    assert "撤回申請".encode() in page.content
