"""Every model registered in Django's admin opens for an administrator: its list (with a row on
it where the story below makes one, so the list's columns are computed) and the page of that row.
A broken `list_display`, filter or search field shows here instead of in production."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from aisc.web.accounts.models import Role, User

pytestmark = pytest.mark.django_db
REGISTERED = sorted(admin.site._registry.items(), key=lambda kv: kv[0]._meta.label)


@pytest.fixture
def administrator(embedded_cluster: Any, story: Any, make_user: Callable[..., User]) -> Client:
    """The demo catalogue (embedded_cluster loads it first: the award's allocation needs its
    nodes and its prices), a funded grants story on it (applications, reviews, an award, its
    allocation, mail in the outbox, audit rows); then an administrator's client."""
    client = Client()
    client.force_login(make_user(Role.ADMIN, is_staff=True, is_superuser=True))
    return client


def test_every_registered_model_lists_and_opens_its_first_row(administrator: Client) -> None:
    problems, with_rows = [], 0
    for model, model_admin in REGISTERED:
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        listed = administrator.get(changelist)
        if listed.status_code != 200:
            problems.append(f"{meta.label} list: {listed.status_code}")
            continue
        first = model_admin.get_queryset(listed.wsgi_request).first()
        if first is None:
            continue
        with_rows += 1
        change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk])
        opened = administrator.get(change)
        if opened.status_code != 200:
            problems.append(f"{meta.label} row {first.pk}: {opened.status_code}")
    assert problems == []
    assert with_rows >= len(REGISTERED) // 2  # the story really fills most of the lists


def test_the_admin_search_box_works_on_every_model_that_has_one(administrator: Client) -> None:
    searched = [(m, a) for m, a in REGISTERED if a.search_fields]
    assert searched
    for model, _admin in searched:
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert administrator.get(url, {"q": "harbour"}).status_code == 200, meta.label


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.FINANCE, Role.AUDITOR])
def test_staff_without_the_admin_role_are_sent_to_sign_in(
    make_user: Callable[..., User], role: str
) -> None:
    client = Client()
    client.force_login(make_user(role))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
