"""`aisc demo load --json`: the logins it prints are real accounts with the roles it names, and a
second load prints the same without making anyone twice. The loaders here are the demo's own
people and catalogue; the whole demo (grants, cluster, billing) has its own slow tests."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory
from typer.testing import CliRunner

from aisc.cli.main import app
from aisc.web.accounts.models import Organisation, User
from aisc.web.catalogue import demo as catalogue_demo
from aisc.web.catalogue.models import ChipModel
from aisc.web.demo import people

runner = CliRunner()
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def people_and_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("aisc.web.demo_load.LOADERS", [people.load, catalogue_demo.load])


def load_json() -> dict[str, Any]:
    result = runner.invoke(app, ["demo", "load", "--json"])
    assert result.exit_code == 0, result.output
    printed: dict[str, Any] = json.loads(result.stdout)
    return printed


def test_every_printed_login_signs_in_with_its_printed_password() -> None:
    printed = load_json()
    emails = [login["email"] for login in printed["logins"]]
    assert len(emails) == len(set(emails)) == User.objects.count()
    for login in printed["logins"]:
        assert set(login) == {"role", "email", "password"}
        request = RequestFactory().post("/accounts/login/")
        user = authenticate(request, email=login["email"], password=login["password"])
        assert user is not None, login


def test_each_login_holds_the_role_or_the_organisation_it_is_printed_with() -> None:
    for login in load_json()["logins"]:
        user = User.objects.get(email=login["email"])
        role = login["role"]
        if role.startswith("applicant ("):
            code = role.removeprefix("applicant (").removesuffix(")")
            assert user.memberships.get().organisation.registration_code == code
            assert not user.roles.exists()
        else:
            expected = "reviewer" if role.startswith("reviewer") else role
            assert list(user.roles.values_list("code", flat=True)) == [expected]


def test_a_second_load_prints_the_same_logins_and_creates_nothing_twice() -> None:
    first = load_json()
    counts = (User.objects.count(), Organisation.objects.count(), ChipModel.objects.count())
    second = load_json()
    assert second["logins"] == first["logins"]
    assert (User.objects.count(), Organisation.objects.count(), ChipModel.objects.count()) == counts


def test_the_notes_say_what_each_loader_set_up() -> None:
    notes = load_json()["notes"]
    assert any(note.startswith("catalogue: cluster aisc-hk") for note in notes)


def test_without_json_it_prints_one_aligned_line_per_login_then_the_notes() -> None:
    result = runner.invoke(app, ["demo", "load"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Demo logins (all share one password):"
    logins = [line.split() for line in lines[1:] if not line.strip().startswith("·")]
    assert ["auditor", "auditor@aisc.demo", "demo-pass-2026"] in logins
    assert lines[-1].strip().startswith("· catalogue: cluster aisc-hk")
