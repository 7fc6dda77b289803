import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from aisc.core.errors import RuleViolation
from aisc.core.ledger import flows
from aisc.core.ledger.entries import Entry
from aisc.web.audit.models import AuditEvent
from aisc.web.billing import actions
from aisc.web.billing.ledger import book
from aisc.web.billing.models import LedgerEntry, LedgerPosting

pytestmark = pytest.mark.django_db
AT = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
D = Decimal


def appropriation(amount: str = "3000000000.00", key: str = "approp:aiss") -> Entry:
    return flows.appropriate("aiss", D(amount), AT, key)


def test_posting_an_entry_twice_stores_it_once() -> None:
    assert (
        actions.do_post_entries(
            [appropriation()], acting_user=None, verb="billing.fund.appropriate"
        )
        == 1
    )
    assert (
        actions.do_post_entries(
            [appropriation()], acting_user=None, verb="billing.fund.appropriate"
        )
        == 0
    )
    assert LedgerEntry.objects.count() == 1
    assert book.balances()["fund:aiss"] == D("3000000000.00")
    assert AuditEvent.objects.filter(verb="billing.fund.appropriate").count() == 1


def test_a_key_posted_again_with_other_amounts_is_refused_and_nothing_changes() -> None:
    actions.do_post_entries([appropriation()], acting_user=None, verb="v")
    with pytest.raises(RuleViolation) as err:
        actions.do_post_entries([appropriation("1.00")], acting_user=None, verb="v")
    assert err.value.field == "key"
    assert book.balances()["fund:aiss"] == D("3000000000.00")


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE billing_ledgerposting SET amount_cents = 0",
        "DELETE FROM billing_ledgerposting",
        "UPDATE billing_ledgerentry SET memo = 'edited'",
        "DELETE FROM billing_ledgerentry",
    ],
)
def test_the_database_refuses_to_change_or_delete_ledger_rows(sql: str) -> None:
    actions.do_post_entries([appropriation()], acting_user=None, verb="v")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert LedgerPosting.objects.count() == 2
    assert book.balances()["fund:aiss"] == D("3000000000.00")


def test_the_orm_cannot_update_ledger_rows_either() -> None:
    actions.do_post_entries([appropriation()], acting_user=None, verb="v")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        LedgerPosting.objects.update(amount_cents=1)


def test_a_correction_is_a_reversing_entry_and_the_original_stays() -> None:
    actions.do_post_entries([appropriation()], acting_user=None, verb="v")
    correction = actions.do_reverse_entry(
        "approp:aiss", reason="typed twice", acting_user=None, at=AT
    )
    assert correction.key == "reversal:approp:aiss"
    assert book.balances()["fund:aiss"] == 0
    assert LedgerEntry.objects.count() == 2
    reversed_event = AuditEvent.objects.get(verb="billing.entry.reverse").after
    assert reversed_event is not None
    assert reversed_event["reason"] == "typed twice"
    with pytest.raises(RuleViolation, match="already reversed"):
        book.reverse("approp:aiss", "another", AT, "again")


def test_reversing_an_unknown_entry_is_refused_naming_the_field() -> None:
    with pytest.raises(RuleViolation) as err, transaction.atomic():
        book.reverse("nope", "r", AT, "m")
    assert err.value.field == "reverses"


def test_posted_sums_one_family_of_entries_per_account() -> None:
    with transaction.atomic():
        book.post(
            [
                appropriation(),
                flows.budget_call("aiss", "c1", D("5.00"), AT, "budget:c1"),
                flows.budget_call("aiss", "c1", D("2.00"), AT, "budget:c1:+2"),
                flows.commit(flows.AwardRef("aiss", "c1", "p1"), D("4.00"), AT, "commitment:p1"),
            ]
        )
    assert book.posted("call:", "budget:") == {"call:aiss/c1": D("7.00")}
    assert book.balances("call:") == {"call:aiss/c1": D("3.00")}


def postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE; the postgres stage runs this")


@pytest.mark.parametrize(
    "sql",
    [
        "TRUNCATE billing_ledgerposting",
        "TRUNCATE billing_ledgerentry CASCADE",
        "TRUNCATE billing_ledgerposting, billing_ledgerentry RESTART IDENTITY",
    ],
)
def test_postgresql_refuses_to_truncate_ledger_rows(sql: str) -> None:
    postgres_only()
    actions.do_post_entries([appropriation()], acting_user=None, verb="v")
    with connection.cursor() as cursor:
        # Check the deferred foreign keys now, as a commit would: PostgreSQL refuses to truncate
        # a table with checks still pending, which would hide the trigger under test.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with (
        pytest.raises(DatabaseError, match="append-only: TRUNCATE on billing_ledger"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert LedgerPosting.objects.count() == 2
    assert book.balances()["fund:aiss"] == D("3000000000.00")


def test_postgresql_truncates_an_empty_ledger_table_as_the_test_flush_does() -> None:
    postgres_only()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE billing_ledgerposting, billing_ledgerentry")
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgname LIKE 'billing_%%_no_truncate' "
            "ORDER BY tgname"
        )
        names = [row[0] for row in cursor.fetchall()]
    assert names == [
        "billing_ledgerentry_no_truncate",
        "billing_ledgerposting_no_truncate",
        "billing_statement_no_truncate",
        "billing_statementline_no_truncate",
    ]
