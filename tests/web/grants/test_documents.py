import io
from pathlib import Path
from typing import Any

import pytest

from aisc.adapters.files import default_store
from aisc.core.errors import RuleViolation
from aisc.web.accounts.models import User
from aisc.web.grants import actions
from aisc.web.grants.actions.documents import MAX_DOCUMENT_BYTES
from aisc.web.grants.models import Application, Document

PDF = b"%PDF-1.7\n" + b"x" * 100


def upload(
    app: Application, user: User, name: str, data: bytes, kind: str = "financial_proof"
) -> Document:
    return actions.do_upload_document(
        acting_user=user,
        application=app,
        kind=kind,
        name=name,
        stream=io.BytesIO(data),
        size=len(data),
    )


def test_an_upload_is_stored_through_the_files_adapter(draft: Application, applicant: User) -> None:
    document = upload(draft, applicant, "bank-statements.pdf", PDF)
    assert (document.content_type, document.size) == ("application/pdf", len(PDF))
    with default_store().open(document.key) as stored:
        assert stored.read() == PDF


@pytest.mark.parametrize(
    ("name", "data", "rule"),
    [
        ("payload.exe", b"MZ....", "type .exe are not accepted"),
        ("no-extension", PDF, "type \\(none\\) are not accepted"),
        ("fake.pdf", b"MZ not a pdf", "content is not a .pdf"),
        ("huge.pdf", PDF + b"x" * MAX_DOCUMENT_BYTES, "at most 10 MB"),
    ],
)
def test_a_rejected_upload_names_the_rule_and_keeps_the_draft(
    draft: Application, applicant: User, files_dir: Path, name: str, data: bytes, rule: str
) -> None:
    kept = upload(draft, applicant, "first.pdf", PDF)
    before = Application.objects.values().get(pk=draft.pk)
    with pytest.raises(RuleViolation, match=rule) as err:
        upload(draft, applicant, name, data)
    assert err.value.field == "file"
    assert Application.objects.values().get(pk=draft.pk) == before
    assert list(draft.documents.all()) == [kept]
    assert len([p for p in files_dir.rglob("*") if p.is_file() and "meta" not in p.name]) >= 1


def test_all_documents_together_stay_under_20_mb(draft: Application, applicant: User) -> None:
    nine_mb = PDF + b"x" * (9 * 2**20)
    upload(draft, applicant, "a.pdf", nine_mb)
    upload(draft, applicant, "b.pdf", nine_mb)
    with pytest.raises(RuleViolation, match="20 MB in all"):
        upload(draft, applicant, "c.pdf", nine_mb)


def test_documents_are_frozen_once_submitted(submitted: Application, applicant: User) -> None:
    with pytest.raises(RuleViolation, match="only while the application is editable"):
        upload(submitted, applicant, "late.pdf", PDF)
    with pytest.raises(RuleViolation, match="only while"):
        actions.do_delete_document(acting_user=applicant, document=submitted.documents.get())


def test_an_unknown_document_kind_is_refused(draft: Application, applicant: User) -> None:
    with pytest.raises(RuleViolation) as err:
        upload(draft, applicant, "x.pdf", PDF, kind="selfie")
    assert err.value.field == "kind"


def test_deleting_a_document_removes_the_stored_file(
    draft: Application, applicant: User, django_capture_on_commit_callbacks: Any
) -> None:
    document = upload(draft, applicant, "a.pdf", PDF)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_delete_document(acting_user=applicant, document=document)
    assert not draft.documents.exists()
    with pytest.raises(Exception, match="no stored file"):
        default_store().size(document.key)
