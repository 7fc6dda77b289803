"""No write path skips the audit trail: every admin is read-only or saves through a do_* action,
and the suite-wide guard (tests/audit_guard.py) fails any test whose successful API or admin
request changed a table without writing an audit row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from aisc.web.accounts.models import Organisation, Role, User
from aisc.web.audit.models import AuditEvent
from aisc.web.audit.record import record
from aisc.web.catalogue.models import ExchangeRate, RateCard
from tests import audit_guard

pytestmark = pytest.mark.django_db
# Admins that save, each through its do_* action (tests/web/catalogue prove the audit rows):
# (add, change) allowed; none deletes.
ROUTED: dict[type[Any], tuple[bool, bool]] = {RateCard: (True, True), ExchangeRate: (True, False)}


@pytest.fixture
def superuser(make_user: Callable[..., User]) -> User:
    return make_user(Role.ADMIN, is_staff=True, is_superuser=True)


def registered() -> list[tuple[type[Any], admin.ModelAdmin[Any]]]:
    return sorted(admin.site._registry.items(), key=lambda item: item[0].__name__)


def test_every_registered_admin_is_read_only_or_routes_through_an_action(superuser: User) -> None:
    request = RequestFactory().get("/admin/")
    request.user = superuser
    assert len(registered()) >= 17
    for model, model_admin in registered():
        add, change = ROUTED.get(model, (False, False))
        allowed = (
            model_admin.has_add_permission(request),
            model_admin.has_change_permission(request),
            model_admin.has_delete_permission(request),
        )
        assert allowed == (add, change, False), model.__name__
        if model not in ROUTED:
            for inline in model_admin.get_inline_instances(request):
                assert not inline.has_add_permission(request, None), model.__name__
                assert not inline.has_change_permission(request), model.__name__
                assert not inline.has_delete_permission(request), model.__name__


def test_a_superuser_is_refused_every_admin_add_and_delete_and_nothing_changes(
    superuser: User, client: Client, applicant: User
) -> None:
    client.force_login(superuser)
    before = AuditEvent.objects.count()
    for model, _admin in registered():
        meta = model._meta
        base = f"/admin/{meta.app_label}/{meta.model_name}"
        if model not in ROUTED:
            assert client.post(f"{base}/add/", {}).status_code == 403, model.__name__
        obj = model.objects.first()
        if obj is not None:
            assert client.post(f"{base}/{obj.pk}/delete/", {"post": "yes"}).status_code == 403
            assert model.objects.filter(pk=obj.pk).exists()
    org = Organisation.objects.get(pk=applicant.memberships.get().organisation_id)
    changed = client.post(f"/admin/accounts/organisation/{org.pk}/change/", {"name_en": "=x"})
    assert changed.status_code == 403
    role = client.post(f"/admin/accounts/user/{applicant.pk}/change/", {"is_superuser": "on"})
    assert role.status_code == 403
    applicant.refresh_from_db()
    assert not applicant.is_superuser
    assert AuditEvent.objects.count() == before


def api_request() -> HttpRequest:
    return RequestFactory().post("/api/v1/organisations/1", {})


def test_the_guard_reports_a_successful_write_without_an_audit_row(org: Organisation) -> None:
    def unaudited(request: HttpRequest) -> HttpResponse:
        Organisation.objects.filter(pk=org.pk).update(name_en="renamed behind the trail")
        return HttpResponse(status=200)

    audit_guard.AuditedWrites(unaudited)(api_request())
    found = list(audit_guard.violations)
    audit_guard.violations.clear()
    assert found == [
        "POST /api/v1/organisations/1 -> 200 wrote ['accounts_organisation'] without an audit row"
    ]


def test_the_guard_accepts_a_write_with_its_audit_row_and_ignores_refused_requests(
    org: Organisation,
) -> None:
    def audited(request: HttpRequest) -> HttpResponse:
        with transaction.atomic():
            Organisation.objects.filter(pk=org.pk).update(name_en="renamed")
            record(None, "accounts.organisation.update", org)
        return HttpResponse(status=200)

    def refused(request: HttpRequest) -> HttpResponse:
        Organisation.objects.filter(pk=org.pk).update(name_en="renamed")
        return HttpResponse(status=422)

    audit_guard.AuditedWrites(audited)(api_request())
    audit_guard.AuditedWrites(refused)(api_request())
    assert audit_guard.violations == []
