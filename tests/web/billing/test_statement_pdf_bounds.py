"""Statement PDFs are bounded: a closed period's PDF is rendered once per language and served
from disk afterwards, and past AISC_PDF_RENDERS renders at once the answer is 503 Retry-After
instead of one more WeasyPrint in memory."""

from __future__ import annotations

import fcntl
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from aisc.web.accounts.models import Role, User
from aisc.web.billing import pdfs
from aisc.web.billing.models import Statement

pytestmark = pytest.mark.django_db
CACHED = b"%PDF-1.7 served from the cache"


@pytest.fixture
def finance(make_user: Callable[..., User], settings: Any, tmp_path: Path) -> Client:
    settings.AISC_FILES_DIR = tmp_path
    client = Client()
    client.force_login(make_user(Role.FINANCE))
    return client


@pytest.mark.usefixtures("closed")
def test_a_closed_statements_pdf_is_rendered_once_per_language_then_read_from_disk(
    finance: Client,
) -> None:
    statement = Statement.objects.get(project_code="p2026a-001")
    url = reverse("billing:statement-pdf", args=[statement.pk])
    first = finance.get(url)
    assert first.content.startswith(b"%PDF")
    cached = pdfs.cache_path(statement, "en")
    assert cached.read_bytes() == first.content
    cached.write_bytes(CACHED)
    assert finance.get(url).content == CACHED
    finance.cookies["django_language"] = "zh-hant"
    chinese = finance.get(url).content
    assert chinese.startswith(b"%PDF")
    assert chinese != CACHED
    assert pdfs.cache_path(statement, "zh-hant").exists()


@pytest.mark.usefixtures("closed")
def test_past_the_render_slots_a_pdf_is_refused_with_503_and_retry_after(
    finance: Client, settings: Any
) -> None:
    settings.AISC_PDF_RENDERS = 2
    statement = Statement.objects.get(project_code="p2026a-001")
    url = reverse("billing:statement-pdf", args=[statement.pk])
    slots = pdfs.render_slots()
    held = [slots.acquire(blocking=False) for _ in range(2)]
    try:
        assert held == [True, True]
        busy = finance.get(url)
        assert busy.status_code == 503
        assert busy["Retry-After"] == "5"
        assert "try again in a few seconds" in busy.content.decode()
        assert not pdfs.cache_path(statement, "en").exists()
    finally:
        for _ in held:
            slots.release()
    assert finance.get(url).content.startswith(b"%PDF")


@pytest.mark.usefixtures("closed")
def test_while_other_server_processes_hold_every_host_slot_a_pdf_is_refused_with_503(
    finance: Client, settings: Any
) -> None:
    settings.AISC_PDF_RENDERS = 2
    statement = Statement.objects.get(project_code="p2026a-001")
    url = reverse("billing:statement-pdf", args=[statement.pk])
    # flock conflicts between separate opens of a file, as between two worker processes.
    held = [path.open("a") for path in pdfs.slot_files()]
    try:
        for handle in held:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        busy = finance.get(url)
        assert busy.status_code == 503
        assert busy["Retry-After"] == "5"
    finally:
        for handle in held:
            handle.close()
    assert finance.get(url).content.startswith(b"%PDF")


def test_weasyprint_runs_in_a_child_process_so_the_server_process_never_loads_it() -> None:
    # A fresh interpreter, since other tests in this one may have imported WeasyPrint.
    probe = (
        "import sys\n"
        "from aisc.adapters.pdf_render import pdf_from_html\n"
        "pdf = pdf_from_html('<p>Statement \\u7d50\\u55ae</p>')\n"
        "print(pdf[:5].decode(), 'weasyprint' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["%PDF-", "False"]
