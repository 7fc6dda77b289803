"""The audit page names each verb and object in the reader's language, beside the stored code,
which stays as written (the hash chain covers it)."""

import importlib
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client
from django.utils import translation

from aisc.core.allocations.lifecycle import TRANSITIONS
from aisc.web.accounts.models import User
from aisc.web.audit.models import AuditEvent
from aisc.web.audit.record import record
from aisc.web.backoffice.audit_labels import VERBS, object_label, verb_label
from tests.fixtures.pages import in_both_languages

WEB = Path(__file__).resolve().parents[3] / "aisc/web"


def verb_constants() -> set[str]:
    found = set()
    for path in WEB.glob("*/verbs.py"):
        module = importlib.import_module(f"aisc.web.{path.parent.name}.verbs")
        found |= {v for k, v in vars(module).items() if k.isupper() and isinstance(v, str)}
    return found


def test_every_verb_the_platform_writes_has_a_label() -> None:
    from aisc.web.allocations import verbs

    steps = {verbs.lifecycle(step) for steps in TRANSITIONS.values() for step in steps}
    credit = {verbs.credit(s) for s in ("warn", "stop", "reopen", "expire", "carry_over")}
    written = verb_constants() | steps | credit
    assert len(written) > 90
    assert written - set(VERBS) == set()


def test_a_row_under_an_earlier_name_reads_as_the_verb_now() -> None:
    with translation.override("zh-hant"):
        assert verb_label("allocation.activate") == "啟用分配"
        assert verb_label("allocations.allocation.activate") == "啟用分配"


def test_an_unknown_verb_or_object_shows_as_stored() -> None:
    with translation.override("zh-hant"):
        assert verb_label("later.thing.happen") == "later.thing.happen"
        assert object_label("LaterThing") == "LaterThing"
        assert object_label("Application") == "申請"


@pytest.mark.django_db
def test_the_audit_page_reads_in_chinese_and_keeps_the_stored_codes(
    make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    with transaction.atomic():
        record(None, "grants.application.submit", None, object_type="Application", object_id="7")
    client = logged_in(make_user("auditor"))
    english, chinese = in_both_languages(client, "/audit/")
    assert "Application submitted<br><code>grants.application.submit</code>" in english
    assert "<td>Application 7</td>" in english
    assert "提交申請<br><code>grants.application.submit</code>" in chinese
    assert "<td>申請 7</td>" in chinese
    stored = AuditEvent.objects.get(object_id="7")
    assert (stored.verb, stored.object_type) == ("grants.application.submit", "Application")
