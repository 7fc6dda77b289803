from collections.abc import Callable

import pytest
from django.db import DatabaseError, connection, transaction

from aisc.web.accounts.models import Organisation, User
from aisc.web.audit import chain
from aisc.web.audit.models import AppendOnlyError, AuditEvent
from aisc.web.audit.record import record, verify
from tests.append_only import lifted


def write_events(n: int, actor: User | None = None) -> list[AuditEvent]:
    events = []
    for i in range(n):
        with transaction.atomic():
            events.append(
                record(
                    actor,
                    "thing.touch",
                    None,
                    object_type="Thing",
                    object_id=str(i),
                    after={"i": i},
                )
            )
    return events


@pytest.mark.django_db
def test_it_chains_each_row_to_the_one_before() -> None:
    first, second, third = write_events(3)
    assert first.prev_hash == chain.GENESIS
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert verify() is None


@pytest.mark.django_db
def test_it_names_the_first_row_changed_by_hand_in_sql_with_the_triggers_lifted() -> None:
    events = write_events(4)
    with lifted(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET verb = 'forged' WHERE id = %s", [events[2].pk])
    broken = verify()
    assert broken is not None
    assert broken.row_id == events[2].pk
    assert "content" in broken.reason


@pytest.mark.django_db
def test_it_detects_a_deleted_row_at_the_row_after_the_gap() -> None:
    events = write_events(3)
    with lifted(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    broken = verify()
    assert broken is not None
    assert broken.row_id == events[2].pk
    assert "prev_hash" in broken.reason


@pytest.mark.django_db
def test_it_refuses_to_change_or_delete_a_row_through_the_orm() -> None:
    (event,) = write_events(1)
    event.verb = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET verb = 'forged'",
        "DELETE FROM audit_auditevent",
        "DELETE FROM audit_auditevent WHERE id = (SELECT MAX(id) FROM audit_auditevent)",
    ],
)
def test_the_database_refuses_to_change_or_delete_a_row_in_raw_sql(sql: str) -> None:
    write_events(2)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEvent.objects.count() == 2
    assert verify() is None


@pytest.mark.django_db
def test_the_database_refuses_a_queryset_update_or_delete() -> None:
    write_events(2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.update(verb="forged")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert list(AuditEvent.objects.values_list("verb", flat=True)) == ["thing.touch"] * 2


@pytest.mark.django_db
def test_postgresql_refuses_to_truncate_the_audit_table() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE; its DELETE FROM is refused above")
    write_events(1)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # else deferred checks hide the trigger
    with (
        pytest.raises(DatabaseError, match="append-only: TRUNCATE on audit_auditevent"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_record_outside_a_transaction() -> None:
    with pytest.raises(RuntimeError, match="inside the do_\\* action's transaction"):
        record(None, "x", None, object_type="T", object_id="1")


@pytest.mark.django_db
def test_it_stores_decimals_and_dates_so_the_hash_survives_a_round_trip(
    make_user: Callable[..., User],
) -> None:
    import datetime as dt
    from decimal import Decimal

    user = make_user()
    with transaction.atomic():
        record(
            user,
            "money.move",
            None,
            object_type="M",
            object_id="1",
            after={"amount": Decimal("12.30"), "on": dt.date(2026, 1, 2)},
        )
    stored = AuditEvent.objects.get()
    assert stored.after == {"amount": "12.30", "on": "2026-01-02"}
    assert stored.actor_label == user.email
    assert verify() is None


@pytest.mark.django_db
def test_every_do_action_of_accounts_writes_an_audit_row(
    make_user: Callable[..., User],
) -> None:
    from aisc.web.accounts.actions import (
        do_create_api_token,
        do_create_organisation,
        do_revoke_api_token,
    )

    user = make_user()
    org = do_create_organisation(
        acting_user=user, name_en="Lab", kind="startup", registration_code="L-1"
    )
    issued = do_create_api_token(acting_user=user, name="ci", days=10)
    do_revoke_api_token(acting_user=user, token=issued.token)
    verbs = list(AuditEvent.objects.order_by("id").values_list("verb", flat=True))
    assert verbs == [
        "accounts.organisation.create",
        "accounts.api_token.create",
        "accounts.api_token.revoke",
    ]
    assert AuditEvent.objects.filter(object_type="Organisation", object_id=str(org.pk)).exists()
    assert issued.secret not in str(list(AuditEvent.objects.values_list("after", flat=True)))
    assert isinstance(org, Organisation)
