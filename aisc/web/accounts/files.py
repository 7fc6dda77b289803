"""Uploaded documents, as every app stores and serves them: the accepted types (checked by the
file's leading bytes, not only its name), and the download answer.

A download is always an attachment with the content type stored at upload and `nosniff`: a
browser saves it, and never renders or runs what an applicant uploaded inside the portal's origin.
"""

from __future__ import annotations

from pathlib import PurePath

from django.http import FileResponse

from aisc.adapters.files import default_store
from aisc.core.errors import RuleViolation

# Extension -> (content type, leading bytes every such file starts with)
ALLOWED: dict[str, tuple[str, bytes]] = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04",
    ),
}
HEAD_BYTES = 16


def check_type(name: str, head: bytes) -> str:
    """The content type to store, or a RuleViolation naming the field `file` and the rule."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in ALLOWED:
        allowed = ", ".join(sorted(ALLOWED))
        raise RuleViolation(
            f"files of type {suffix or '(none)'} are not accepted; use {allowed}", field="file"
        )
    content_type, magic = ALLOWED[suffix]
    if not head.startswith(magic):
        raise RuleViolation(f"the file's content is not a {suffix} file", field="file")
    return content_type


def attachment(key: str, name: str, content_type: str) -> FileResponse:
    response = FileResponse(
        default_store().open(key), as_attachment=True, filename=name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
