"""The audit page names each verb and object in the reader's language, beside the stored code,
which stays as written (the hash chain covers it)."""

import importlib
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.utils import translation

from aisc.core.allocations.lifecycle import TRANSITIONS
from aisc.web.accounts.models import User
from aisc.web.audit.models import AuditEvent
from aisc.web.audit.record import record
from aisc.web.backoffice.audit_labels import NOT_MODELS, VERBS, object_label, verb_label
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


def object_types_written() -> set[str]:
    """What `audit.record` can write as object_type: the class name of any of aisc's models (the
    object recorded), or a name a call gives it outright."""
    models = {m.__name__ for m in apps.get_models() if m.__module__.startswith("aisc.")}
    named = re.compile(r'object_type="(\w+)"')
    given = {n for path in WEB.rglob("*.py") for n in named.findall(path.read_text())}
    return models | given


def test_every_object_type_written_has_a_label_in_both_languages() -> None:
    written = object_types_written()
    assert {"Application", "EmbeddedJob", "Slurm", "UsageSource"} <= written
    for object_type in written:
        model = next((m for m in apps.get_models() if m.__name__ == object_type), None)
        if model is not None:
            assert "verbose_name" in model._meta.original_attrs, object_type
        else:
            assert object_type in NOT_MODELS, object_type
        with translation.override("zh-hant"):
            chinese = object_label(object_type)
        assert re.search(r"[\u4e00-\u9fff]", chinese) or chinese == "Slurm", object_type


def test_an_object_reads_as_its_models_name() -> None:
    assert object_label("AwardTranche") == "Tranche"
    assert object_label("ApiToken") == "API token"
    with translation.override("zh-hant"):
        assert object_label("EmbeddedJob") == "作業"
        assert object_label("UsageSource") == "用量來源"


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
