"""A statement's PDF, rendered at most AISC_PDF_RENDERS at a time per server process and kept on
disk once its period is closed.

WeasyPrint takes tens of megabytes and a second or more per document, and the memory it takes
is not given back; forty requests at once took a server from about 100 MB to 3 GB. A closed
period's statement never changes, so its PDF, per language, is rendered once and served from the
file afterwards; a render asked for while all slots are busy is answered "busy, retry" at once
rather than queued, so neither memory nor waiting threads pile up.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from aisc.web.billing.models import PeriodState, Statement

_slots_lock = threading.Lock()
_slots: dict[int, threading.BoundedSemaphore] = {}


def render_slots() -> threading.BoundedSemaphore:
    """The process's semaphore for AISC_PDF_RENDERS renders (one per configured size, so a test
    that changes the setting gets its own)."""
    size: int = settings.AISC_PDF_RENDERS
    with _slots_lock:
        if size not in _slots:
            _slots[size] = threading.BoundedSemaphore(size)
        return _slots[size]


def cache_path(statement: Statement, language: str) -> Path:
    folder = Path(settings.AISC_FILES_DIR) / "statement-pdfs"
    return folder / f"statement-{statement.pk}-{language}.pdf"


def statement_pdf(statement: Statement, language: str, render: Callable[[], bytes]) -> bytes | None:
    """The PDF (from the cache when there is one), or None when every render slot is busy."""
    cacheable = statement.period.state == PeriodState.CLOSED
    path = cache_path(statement, language)
    if cacheable and path.exists():
        return path.read_bytes()
    slots = render_slots()
    if not slots.acquire(blocking=False):
        return None
    try:
        pdf = render()
    finally:
        slots.release()
    if cacheable:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        partial.write_bytes(pdf)
        os.replace(partial, path)  # whole or not at all, whoever reads it meanwhile
    return pdf
