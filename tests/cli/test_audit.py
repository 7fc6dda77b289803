"""`aisc audit verify`: the operator's check that nobody edited the audit log behind the app."""

from __future__ import annotations

import pytest
from django.db import connection
from typer.testing import CliRunner

from aisc.cli.main import app
from aisc.web.accounts.actions import do_create_organisation
from aisc.web.audit.models import AuditEvent
from tests.append_only import lifted

runner = CliRunner()
pytestmark = pytest.mark.django_db


def three_organisations() -> list[AuditEvent]:
    for n in range(3):
        do_create_organisation(
            acting_user=None,
            name_en=f"Lab {n}",
            kind="university",
            registration_code=f"LAB-{n}",
            contact_email=f"lab{n}@example.hk",
        )
    return list(AuditEvent.objects.order_by("id"))


def test_verify_counts_the_rows_of_an_intact_chain_and_exits_zero() -> None:
    events = three_organisations()
    assert [e.verb for e in events] == ["accounts.organisation.create"] * 3
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0
    assert result.stdout.strip() == "audit chain intact: 3 rows"
    assert result.stderr == ""


def test_verify_calls_an_empty_log_intact() -> None:
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0
    assert result.stdout.strip() == "audit chain intact: 0 rows"


def test_verify_exits_one_naming_the_row_edited_in_sql_and_changes_nothing() -> None:
    events = three_organisations()
    edited = events[1]
    with lifted(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET actor_label = 'someone' WHERE id = %s", [edited.pk]
        )
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"audit chain broken at row {edited.pk}: ")
    # Verifying is read-only: the evidence stays as found, for whoever investigates.
    assert AuditEvent.objects.count() == 3
    assert AuditEvent.objects.get(pk=edited.pk).actor_label == "someone"
