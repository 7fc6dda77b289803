"""Payments and recoveries on the in-memory ledger: every entry balances, a paid recovery returns
exactly the paid part to the fund's remaining, and a write-off leaves the disbursed subsidy as it
was while clearing what was owed."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aisc.core.errors import RuleViolation
from aisc.core.ledger import accounts, flows, receipts, views
from aisc.core.ledger.book import Book

AT = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
AWARD = flows.AwardRef("aiss", "c2026a", "p2026a-001")
D = Decimal
DISBURSED = accounts.disbursed("aiss", "c2026a", "p2026a-001")
RECOVERY = accounts.recovery("aiss", "c2026a", "p2026a-001")
OWED = accounts.receivable("org-1")


def billed_book(subsidy: str = "1000.00") -> Book:
    """A scheme with HK$1m, one call and award, and `subsidy` disbursed on the award."""
    book = Book()
    book.post(flows.appropriate("aiss", D("1000000.00"), AT, "approp"))
    book.post(flows.budget_call("aiss", "c2026a", D("500000.00"), AT, "budget"))
    book.post(flows.commit(AWARD, D("100000.00"), AT, "commit"))
    line = flows.BilledLine("org-1", AWARD, D(subsidy) * 2, D(subsidy), D(subsidy))
    book.post(flows.bill(line, AT, "bill:1"))
    return book


def remaining(book: Book) -> Decimal:
    return views.per_scheme(book.balances())[0].remaining


def test_a_recovery_invoice_makes_the_organisation_owe_it_without_touching_the_fund() -> None:
    book = billed_book()
    before = remaining(book)
    book.post(receipts.recovery_invoice("org-1", AWARD, D("400.00"), AT, "recovery:1"))
    assert book.balance(OWED) == D("1400.00")
    assert book.balance(RECOVERY) == D("-400.00")
    assert remaining(book) == before
    assert book.total() == 0


def test_paying_a_recovery_returns_the_paid_part_to_the_fund_and_clears_the_claim() -> None:
    book = billed_book()
    before = remaining(book)
    book.post(receipts.recovery_invoice("org-1", AWARD, D("400.00"), AT, "recovery:1"))
    book.post(receipts.payment("org-1", D("150.00"), AT, "payment:1", recovery=AWARD))
    assert remaining(book) == before + D("150.00")
    assert book.balance(DISBURSED) == D("850.00")
    assert book.balance(RECOVERY) == D("-250.00")
    assert book.balance(accounts.CASH) == D("150.00")
    book.post(receipts.payment("org-1", D("250.00"), AT, "payment:2", recovery=AWARD))
    assert remaining(book) == before + D("400.00")
    assert book.balance(RECOVERY) == 0
    assert book.balance(OWED) == D("1000.00")  # the usage statement's share is still owed
    assert book.total() == 0


def test_a_payment_of_a_statement_moves_the_receivable_into_cash_and_nothing_else() -> None:
    book = billed_book()
    book.post(receipts.payment("org-1", D("600.00"), AT, "payment:1"))
    assert book.balance(OWED) == D("400.00")
    assert book.balance(accounts.CASH) == D("600.00")
    assert book.balance(DISBURSED) == D("1000.00")


def test_a_write_off_clears_what_is_owed_and_leaves_the_subsidy_disbursed() -> None:
    book = billed_book()
    before = remaining(book)
    book.post(receipts.recovery_invoice("org-1", AWARD, D("400.00"), AT, "recovery:1"))
    book.post(receipts.payment("org-1", D("100.00"), AT, "payment:1", recovery=AWARD))
    book.post(receipts.recovery_write_off("org-1", AWARD, D("300.00"), AT, "writeoff:1"))
    assert book.balance(RECOVERY) == 0
    assert book.balance(OWED) == D("1000.00")
    assert book.balance(DISBURSED) == D("900.00")
    assert remaining(book) == before + D("100.00")
    assert book.total() == 0


@pytest.mark.parametrize(
    "make",
    [
        lambda: receipts.recovery_invoice("org-1", AWARD, D("0"), AT, "k"),
        lambda: receipts.payment("org-1", D("-1.00"), AT, "k"),
        lambda: receipts.recovery_write_off("org-1", AWARD, D("0"), AT, "k"),
    ],
)
def test_it_refuses_entries_of_no_amount_naming_the_field(make: object) -> None:
    with pytest.raises(RuleViolation) as refused:
        make()  # type: ignore[operator]
    assert refused.value.field == "amount"


@given(
    claimed=st.integers(min_value=1, max_value=100_000),
    parts=st.lists(st.integers(min_value=1, max_value=40_000), max_size=5),
)
def test_any_mix_of_part_payments_and_a_final_write_off_balances_and_settles_the_claim(
    claimed: int, parts: list[int]
) -> None:
    book = billed_book("1000.00")
    before = remaining(book)
    amount = D(claimed) / 100
    book.post(receipts.recovery_invoice("org-1", AWARD, amount, AT, "recovery:1"))
    paid = D(0)
    for n, cents in enumerate(parts):
        part = min(D(cents) / 100, amount - paid)
        if part <= 0:
            break
        book.post(receipts.payment("org-1", part, AT, f"payment:{n}", recovery=AWARD))
        paid += part
    if amount - paid > 0:
        book.post(receipts.recovery_write_off("org-1", AWARD, amount - paid, AT, "writeoff:1"))
    assert book.total() == 0
    assert book.balance(RECOVERY) == 0
    assert remaining(book) == before + paid
    assert book.balance(accounts.CASH) == paid


def test_the_fund_lines_show_the_subsidy_paid_out_and_what_recoveries_brought_back() -> None:
    book = billed_book()
    book.post(receipts.recovery_invoice("org-1", AWARD, D("400.00"), AT, "recovery:1"))
    book.post(receipts.payment("org-1", D("150.00"), AT, "payment:1", recovery=AWARD))
    recovered = {DISBURSED: D("150.00")}
    scheme = views.per_scheme(book.balances(), recovered)[0]
    assert (scheme.disbursed, scheme.recovered) == (D("1000.00"), D("150.00"))
    assert scheme.remaining == D("1000000.00") - D("1000.00") + D("150.00")
    call = views.per_call(book.balances(), {("aiss", "c2026a"): D("500000.00")}, recovered)[0]
    assert (call.disbursed, call.recovered) == (D("1000.00"), D("150.00"))
