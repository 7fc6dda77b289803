"""Rules refused in the pure core reach people in their language: every template the core can
raise is listed for the catalogues and translated into zh-Hant; the portal, the API (by
Accept-Language) and the CLI (by the locale) say it in Chinese, with the same figures."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from typer.testing import CliRunner

from aisc.cli.main import app
from aisc.core.errors import RuleViolation
from aisc.web.accounts.models import Organisation, User
from aisc.web.core_messages import MESSAGES
from aisc.web.grants.models import Application
from aisc.web.i18n import explain
from tests.fixtures.grants import attach

ROOT = Path(__file__).resolve().parents[3]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
UNVERIFIED = "你的機構尚未通過核實"


@pytest.fixture
def grants_world(files_dir: object, price: object, inventory: object) -> None:
    """What a draft needs: uploads in the test's own directory, a rate card, nodes."""


def test_the_list_of_core_templates_is_current() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts/core-messages"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout


def test_every_core_error_template_has_a_zh_hant_translation_with_the_same_placeholders() -> None:
    untranslated, broken = [], []
    with translation.override("zh-hant"):
        for template in MESSAGES:
            said = gettext(template)
            if said == template:
                untranslated.append(template)
            elif set(PLACEHOLDER.findall(said)) != set(PLACEHOLDER.findall(template)):
                broken.append(template)
    assert untranslated == []
    assert broken == []
    assert len(MESSAGES) > 200


def test_a_refusal_is_translated_then_filled_with_its_figures() -> None:
    exc = RuleViolation(
        "must be between 0 and %(max_final_report_days)s days, not %(days)s",
        field="final_report_days",
        params={"max_final_report_days": 730, "days": 900},
    )
    with translation.override("zh-hant"):
        assert explain(exc) == "必須介乎 0 至 730 日，而非 900"
    assert explain(exc) == "must be between 0 and 730 days, not 900"


def test_a_translation_that_cannot_take_the_figures_falls_back_to_english() -> None:
    exc = RuleViolation("seeds: give 1 to %(max_seeds)s seeds", params={"max_seeds": 10})
    exc.params = {"another": 1}  # figures the translation has no place for
    with translation.override("zh-hant"):
        assert explain(exc) == "seeds: give 1 to 10 seeds"


@pytest.fixture
def unverified(
    grants_world: None, draft: Application, applicant: User, org: Organisation
) -> Application:
    attach(draft, applicant)
    Organisation.objects.filter(pk=org.pk).update(status="pending")
    return draft


@pytest.mark.django_db
def test_the_portal_says_a_core_refusal_in_chinese(
    unverified: Application, applicant: User, logged_in: Callable[[User], Client]
) -> None:
    page = logged_in(applicant).post(
        f"/grants/applications/{unverified.pk}/submit",
        follow=True,
        HTTP_ACCEPT_LANGUAGE="zh-hant",
    )
    assert UNVERIFIED.encode() in page.content


@pytest.mark.django_db
def test_the_api_says_a_core_refusal_in_the_language_asked_for(
    unverified: Application, applicant: User, api_client: Callable[[User], Client]
) -> None:
    client = api_client(applicant)
    url = f"/api/v1/grants/applications/{unverified.pk}/submit"
    chinese = client.post(url, {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert chinese.status_code == 422
    assert chinese.json()["error"]["message"].startswith(UNVERIFIED)
    assert chinese.json()["error"]["field"] == "organisation"
    english = client.post(url, {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["error"]["message"].startswith("your organisation is not verified yet")


def test_the_cli_says_a_core_refusal_in_the_locale_s_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    args = ["estimate", "--params", "7e9", "--tokens", "1e12", "--chip", "nochip"]
    args += ["--precision", "bf16", "--workload", "pretrain"]
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "zh_HK.UTF-8")
    chinese = CliRunner().invoke(app, args)
    assert chinese.exit_code == 2
    assert "未知晶片 'nochip'" in chinese.output
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert "unknown chip 'nochip'" in CliRunner().invoke(app, args).output
