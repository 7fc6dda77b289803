import datetime as dt
from decimal import Decimal

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.ledger import accounts, flows, views
from aisc.core.ledger.book import Book

AT = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
A1 = flows.AwardRef("aiss", "c2026a", "p2026a-001")
A2 = flows.AwardRef("aiss", "c2026b", "p2026b-001")
D = Decimal


def funded_book() -> Book:
    book = Book()
    book.post(flows.appropriate("aiss", D("3000000000.00"), AT, "approp"))
    book.post(flows.budget_call("aiss", "c2026a", D("500000000.00"), AT, "budget-a"))
    book.post(flows.budget_call("aiss", "c2026b", D("200000000.00"), AT, "budget-b"))
    book.post(flows.commit(A1, D("1000000.00"), AT, "commit-1"))
    book.post(flows.commit(A2, D("300000.00"), AT, "commit-2"))
    return book


def line(
    award: flows.AwardRef | None, list_amount: str, fund: str, late: bool = False
) -> flows.BilledLine:
    return flows.BilledLine(
        organisation="org-1",
        award=award,
        list_amount=D(list_amount),
        fund_share=D(fund),
        grantee_share=D(list_amount) - D(fund),
        late=late,
    )


def test_a_billed_line_owes_the_grantee_share_and_disburses_the_fund_share() -> None:
    book = funded_book()
    book.post(flows.bill(line(A1, "1000.00", "700.00"), AT, "bill-1"))
    assert book.balance(accounts.receivable("org-1")) == D("300.00")
    assert book.balance(accounts.disbursed("aiss", "c2026a", "p2026a-001")) == D("700.00")
    assert book.balance(accounts.REVENUE) == D("-1000.00")
    assert book.total() == 0


def test_expired_hours_subsidy_leaves_the_commitment_for_its_own_account() -> None:
    book = funded_book()
    book.post(flows.bill(line(A1, "1000.00", "700.00"), AT, "bill-1"))
    book.post(flows.write_off_expired(A1, D("2500.00"), AT, "expiry:p2026a-001"))
    assert book.balance(accounts.expired("aiss", "c2026a", "p2026a-001")) == D("2500.00")
    assert book.balance(accounts.commitment("aiss", "c2026a", "p2026a-001")) == D("997500.00")
    assert accounts.kind_of(accounts.expired("aiss", "c2026a", "p2026a-001")) is (
        accounts.Kind.EXPIRED
    )
    (scheme,) = views.per_scheme(book.balances())
    assert scheme.committed == D("1297500.00")  # the rest of the two commitments
    assert scheme.remaining == D("3000000000.00") - D("700.00")  # nothing disbursed for it
    assert book.total() == 0


def test_late_usage_is_billed_to_the_adjustment_account() -> None:
    book = Book()
    book.post(flows.bill(line(A1, "10.00", "7.00", late=True), AT, "late"))
    assert book.balance(accounts.ADJUSTMENT) == D("-10.00")
    assert book.balance(accounts.REVENUE) == 0


def test_a_commercial_line_is_owed_in_full_and_cannot_carry_subsidy() -> None:
    book = Book()
    book.post(flows.bill(line(None, "50.00", "0.00"), AT, "c"))
    assert book.balance(accounts.receivable("org-1")) == D("50.00")
    with pytest.raises(RuleViolation, match="without an award"):
        flows.bill(line(None, "50.00", "1.00"), AT, "c2")


def test_a_line_whose_shares_do_not_add_up_is_refused() -> None:
    bad = flows.BilledLine("org-1", A1, D("10.00"), D("7.00"), D("3.01"))
    with pytest.raises(RuleViolation) as err:
        flows.bill(bad, AT, "x")
    assert err.value.field == "fund_share"


@pytest.mark.parametrize(
    "make",
    [
        lambda: flows.appropriate("aiss", D("0"), AT, "k"),
        lambda: flows.budget_call("aiss", "c", D("-1"), AT, "k"),
        lambda: flows.commit(A1, D("0"), AT, "k"),
        lambda: flows.write_off_expired(A1, D("0"), AT, "k"),
    ],
)
def test_amounts_moved_through_the_fund_must_be_positive(make) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuleViolation, match="must be more than zero"):
        make()


def test_the_fund_view_runs_from_appropriated_to_remaining_per_scheme() -> None:
    book = funded_book()
    book.post(flows.bill(line(A1, "1000.00", "700.00"), AT, "bill-1"))
    book.post(flows.bill(line(A2, "100.00", "70.00"), AT, "bill-2"))
    [scheme] = views.per_scheme(book.balances())
    assert scheme.key == ("aiss",)
    assert scheme.appropriated == D("3000000000.00")
    assert scheme.committed == D("1300000.00")
    assert scheme.disbursed == D("770.00")
    assert scheme.uncommitted == D("2998700000.00")
    assert scheme.undisbursed == D("1299230.00")
    assert scheme.remaining == D("2999999230.00")


def test_the_fund_view_per_call_uses_the_call_budgets() -> None:
    book = funded_book()
    book.post(flows.bill(line(A1, "1000.00", "700.00"), AT, "bill-1"))
    budgets = {("aiss", "c2026a"): D("500000000.00"), ("aiss", "c2026b"): D("200000000.00")}
    lines = views.per_call(book.balances(), budgets)
    assert [(x.key, x.committed, x.disbursed) for x in lines] == [
        (("aiss", "c2026a"), D("1000000.00"), D("700.00")),
        (("aiss", "c2026b"), D("300000.00"), D("0.00")),
    ]
    assert lines[0].appropriated == D("500000000.00")


def test_subsidy_consumed_is_reported_per_project() -> None:
    book = funded_book()
    book.post(flows.bill(line(A1, "1000.00", "700.00"), AT, "b1"))
    book.post(flows.bill(line(A1, "10.00", "7.00"), AT, "b2"))
    assert views.per_project_disbursed(book.balances()) == {"p2026a-001": D("707.00")}
