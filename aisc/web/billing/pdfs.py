"""A statement's PDF (and the annual report's, through bounded()), rendered at most
AISC_PDF_RENDERS at a time on the whole host (every server process together), each in a child
process that exits; a statement's is kept on disk once its period is closed.

WeasyPrint takes tens of megabytes and a second or more per document, and the memory it takes
is not given back; forty requests at once took a server from about 100 MB to 3 GB. A closed
period's statement never changes, so its PDF, per language, is rendered once and served from the
file afterwards; a render asked for while all slots are busy is answered "busy, retry" at once
rather than queued, so neither memory nor waiting threads pile up. The slots are counted twice:
a semaphore per process (threads) and AISC_PDF_RENDERS lock files under AISC_FILES_DIR (the
processes of `aisc serve`, whose sync workers each render one at a time; five workers rendering
at once went past 1 GB).
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _

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


def slot_files() -> list[Path]:
    folder = Path(settings.AISC_FILES_DIR) / "statement-pdfs" / "render-slots"
    folder.mkdir(parents=True, exist_ok=True)
    return [folder / f"slot-{i}.lock" for i in range(settings.AISC_PDF_RENDERS)]


@contextmanager
def host_slot() -> Iterator[bool]:
    """Holds one of the host's render slots (an exclusive lock on its file) when one is free;
    yields whether it got one. The kernel drops the lock if the process dies."""
    for path in slot_files():
        handle = path.open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        try:
            yield True
        finally:
            handle.close()
        return
    yield False


def cache_path(statement: Statement, language: str) -> Path:
    folder = Path(settings.AISC_FILES_DIR) / "statement-pdfs"
    return folder / f"statement-{statement.pk}-{language}.pdf"


def busy() -> HttpResponse:
    """The answer when every render slot is taken: try again in a few seconds."""
    answer = HttpResponse(
        _("Reports are being prepared for others; try again in a few seconds."),
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    answer["Retry-After"] = "5"
    return answer


def bounded(render: Callable[[], bytes]) -> bytes | None:
    """Any PDF rendered in one of the host's slots (the statement's, the annual report's), or
    None at once when every slot is busy."""
    slots = render_slots()
    if not slots.acquire(blocking=False):
        return None
    try:
        with host_slot() as free:
            return render() if free else None
    finally:
        slots.release()


def statement_pdf(statement: Statement, language: str, render: Callable[[], bytes]) -> bytes | None:
    """The PDF (from the cache when there is one), or None when every render slot is busy."""
    cacheable = statement.period.state == PeriodState.CLOSED
    path = cache_path(statement, language)
    if cacheable and path.exists():
        return path.read_bytes()
    pdf = bounded(render)
    if pdf is not None and cacheable:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        partial.write_bytes(pdf)
        os.replace(partial, path)  # whole or not at all, whoever reads it meanwhile
    return pdf
