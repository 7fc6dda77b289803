"""Documents attached to an application, stored through the files adapter with size and type
limits. A refused upload changes nothing: the draft and its other documents stay as they were.

Limits: the AISS asks for attachments under 20 MB in all (facts §1.4); one document may take
10 MB, and all of an application's documents together 20 MB.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import BinaryIO

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from aisc.adapters.files import default_store
from aisc.core.errors import RuleViolation
from aisc.core.grants.workflow import EDITABLE
from aisc.web.accounts import files
from aisc.web.accounts.models import User
from aisc.web.audit.record import record
from aisc.web.grants import verbs
from aisc.web.grants.choices import DocumentKind
from aisc.web.grants.models import Application, Document

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_TOTAL_BYTES = 20 * 1024 * 1024


def check_upload(
    application: Application,
    name: str,
    head: bytes,
    size: int,
    replacing: Document | None = None,
) -> str:
    """The content type to store, or a RuleViolation naming the field `file` and the rule. A
    replacement counts against the total instead of the document it replaces."""
    content_type = files.check_type(name, head)
    if size > MAX_DOCUMENT_BYTES:
        raise RuleViolation(
            f"a document may be at most {MAX_DOCUMENT_BYTES // 2**20} MB", field="file"
        )
    others = application.documents.all()
    if replacing is not None:
        others = others.exclude(pk=replacing.pk)
    used = others.aggregate(s=Sum("size"))["s"] or 0
    if used + size > MAX_TOTAL_BYTES:
        raise RuleViolation(
            f"an application's documents may take at most {MAX_TOTAL_BYTES // 2**20} MB in all",
            field="file",
        )
    return content_type


@transaction.atomic
def do_upload_document(
    *,
    acting_user: User,
    application: Application,
    kind: str,
    name: str,
    stream: BinaryIO,
    size: int,
) -> Document:
    if application.state not in EDITABLE:
        raise RuleViolation(
            "documents can be added only while the application is editable", field="file"
        )
    if kind not in DocumentKind.values:
        raise RuleViolation(f"unknown document kind {kind!r}", field="kind")
    head = stream.read(16)
    stream.seek(0)
    content_type = check_upload(application, name, head, size)
    key = default_store().save(PurePath(name).name, stream, content_type)
    document = Document.objects.create(
        application=application,
        kind=kind,
        name=PurePath(name).name[:200],
        key=key,
        content_type=content_type,
        size=size,
        uploaded_by=acting_user,
    )
    record(
        acting_user,
        verbs.DOCUMENT_UPLOAD,
        document,
        after={"name": document.name, "kind": kind, "size": size},
    )
    return document


@transaction.atomic
def do_delete_document(*, acting_user: User, document: Document) -> None:
    if document.application.state not in EDITABLE:
        raise RuleViolation(
            "documents can be removed only while the application is editable", field="file"
        )
    record(
        acting_user,
        verbs.DOCUMENT_DELETE,
        document,
        before={"name": document.name, "kind": document.kind},
    )
    key = document.key
    document.delete()
    # Deleted from the store only after the row is gone for good, so a rollback loses no file;
    # robust: a file left behind is logged, and the other callbacks of the commit still run.
    transaction.on_commit(lambda: default_store().delete(key), robust=True)


@transaction.atomic
def do_replace_document(
    *, acting_user: User, document: Document, name: str, stream: BinaryIO, size: int
) -> Document:
    """A new file in the place of a document (same kind), while the application is editable; the
    old file leaves the store once the change is committed."""
    if document.application.state not in EDITABLE:
        raise RuleViolation(
            "documents can be replaced only while the application is editable", field="file"
        )
    head = stream.read(16)
    stream.seek(0)
    content_type = check_upload(document.application, name, head, size, replacing=document)
    before = {"name": document.name, "size": document.size}
    old_key = document.key
    document.key = default_store().save(PurePath(name).name, stream, content_type)
    document.name = PurePath(name).name[:200]
    document.content_type, document.size = content_type, size
    document.uploaded_by, document.uploaded_at = acting_user, timezone.now()
    document.save()
    record(
        acting_user,
        verbs.DOCUMENT_REPLACE,
        document,
        before=before,
        after={"name": document.name, "kind": document.kind, "size": size},
    )
    transaction.on_commit(lambda: default_store().delete(old_key), robust=True)
    return document


@transaction.atomic
def do_download_document(*, acting_user: User, document: Document) -> Document:
    """Who read which document is audited: applications carry financial and personal papers."""
    record(
        acting_user,
        verbs.DOCUMENT_DOWNLOAD,
        document,
        after={"name": document.name, "application": document.application_id},
    )
    return document
