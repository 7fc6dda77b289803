"""The portal pages of the web load's mix render the same HTML, byte for byte, as the reference
written from main before their rendering was made cheaper (tests/golden/portal/).

The demo centre is loaded at a fixed moment and each page is asked by the benchmark's
administrator (benchmarks/web_load.py) in English and in Traditional Chinese. Only what differs
from one request to the next is normalised: the CSRF token. A change to what a page shows
rewrites the reference on purpose:

    AISC_WRITE_GOLDEN=1 .venv/bin/pytest tests/web/portal/test_page_html.py

and the diff of tests/golden/portal/ is then the change a reviewer reads.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from aisc.web.accounts.models import User
from aisc.web.allocations.models import Allocation
from aisc.web.billing.models import Statement
from aisc.web.demo import DemoReport

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "portal"
# A moment in the past (billing's demo closes the months before it, on the real clock), in the
# middle of a Hong Kong day, so that the demo lays out the same workload on every run.
MOMENT = dt.datetime(2026, 12, 5, 7, 30, tzinfo=dt.UTC)
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')

# Sequences start at 1 on PostgreSQL too, so that the ids in links are the reference's.
pytestmark = [pytest.mark.django_db(transaction=True, reset_sequences=True), pytest.mark.slow]


def pages() -> dict[str, str]:
    """The five portal pages of benchmarks/web_load.py's mix, chosen as it chooses them."""
    statement = Statement.objects.order_by("-gpu_seconds", "id").first()
    allocation = Allocation.objects.order_by("id").first()
    assert statement is not None
    assert allocation is not None
    return {
        "dashboard": "/dashboard/",
        "statements": "/billing/statements/",
        "statement": f"/billing/statements/{statement.pk}/",
        "allocation": f"/allocations/{allocation.project_code}/",
        "cluster": "/cluster/",
    }


def normalised(html: str) -> str:
    return CSRF.sub(r"\1CSRF\2", html)


def test_the_mix_portal_pages_render_the_reference_html_in_both_languages(
    monkeypatch: pytest.MonkeyPatch, demo_loader: Callable[[], DemoReport]
) -> None:
    monkeypatch.setattr(timezone, "now", lambda: MOMENT)
    demo_loader()
    admin = User.objects.filter(is_superuser=True).order_by("id").first()
    assert admin is not None
    write = os.environ.get("AISC_WRITE_GOLDEN") == "1"
    differences = []
    for language in ("en", "zh-hant"):
        client = Client()
        client.force_login(admin)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for name, path in pages().items():
            response = client.get(path)
            assert response.status_code == 200, path
            html = normalised(response.content.decode())
            golden = GOLDEN / f"{name}.{language}.html"
            if write:
                golden.parent.mkdir(parents=True, exist_ok=True)
                golden.write_text(html)
                continue
            expected = golden.read_text()
            if html != expected:
                diff = difflib.unified_diff(
                    expected.splitlines(), html.splitlines(), str(golden), path, lineterm=""
                )
                differences.append("\n".join(list(diff)[:40]))
    assert differences == [], f"({connection.vendor})\n" + "\n\n".join(differences)


def test_the_normalisation_replaces_only_the_csrf_token() -> None:
    html = (
        '<input type="hidden" name="csrfmiddlewaretoken" value="a1B2">'
        '<input type="hidden" name="next" value="a1B2">'
    )
    assert normalised(html) == (
        '<input type="hidden" name="csrfmiddlewaretoken" value="CSRF">'
        '<input type="hidden" name="next" value="a1B2">'
    )
