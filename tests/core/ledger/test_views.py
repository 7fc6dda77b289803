"""Fund views worked by hand, and account codes that round-trip through kind and path."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.errors import RuleViolation
from aisc.core.ledger import accounts, flows, views
from aisc.core.ledger.accounts import Kind, kind_of, path_of
from aisc.core.ledger.book import Book
from aisc.core.ledger.entries import make_entry, posting

D = Decimal
AT = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
slugs = st.from_regex(r"[a-z0-9][a-z0-9_.-]{0,20}", fullmatch=True)


def billed(award: flows.AwardRef, amount: str, fund: str, key: str) -> flows.BilledLine:
    return flows.BilledLine("org-1", award, D(amount), D(fund), D(amount) - D(fund))


def test_a_project_code_billed_under_two_calls_reports_the_subsidy_of_both() -> None:
    # 70.00 under c2026a and 35.00 under c2026b: 105.00 consumed by p1 in all.
    book = Book()
    book.post(flows.bill(billed(flows.AwardRef("aiss", "c2026a", "p1"), "100", "70", "a"), AT, "a"))
    book.post(flows.bill(billed(flows.AwardRef("aiss", "c2026b", "p1"), "50", "35", "b"), AT, "b"))
    assert views.per_project_disbursed(book.balances()) == {"p1": D("105.00")}


def test_the_fund_view_of_one_scheme_worked_by_hand() -> None:
    # Appropriated 1,000.00; call budget 600.00; committed 400.00 + 100.00; disbursed 70.00.
    book = Book()
    a1, a2 = flows.AwardRef("aiss", "c1", "p1"), flows.AwardRef("aiss", "c1", "p2")
    book.post(flows.appropriate("aiss", D("1000.00"), AT, "ap"))
    book.post(flows.budget_call("aiss", "c1", D("600.00"), AT, "bc"))
    book.post(flows.commit(a1, D("400.00"), AT, "c-1"))
    book.post(flows.commit(a2, D("100.00"), AT, "c-2"))
    book.post(flows.bill(billed(a1, "100.00", "70.00", "b"), AT, "b"))
    (line,) = views.per_scheme(book.balances())
    assert (line.appropriated, line.committed, line.disbursed) == (
        D("1000.00"),
        D("500.00"),
        D("70.00"),
    )
    assert (line.uncommitted, line.undisbursed, line.remaining) == (
        D("500.00"),
        D("430.00"),
        D("930.00"),
    )
    (call,) = views.per_call(book.balances(), {("aiss", "c1"): D("600.00")})
    assert (call.key, call.uncommitted, call.undisbursed) == (
        ("aiss", "c1"),
        D("100.00"),
        D("430.00"),
    )
    assert book.balance(accounts.fund("aiss")) == D("400.00")  # 1,000 less the 600 budgeted
    assert book.balance(accounts.call("aiss", "c1")) == D("100.00")  # 600 less 500 committed


def test_a_call_with_commitments_but_no_budget_passed_in_shows_zero_appropriated() -> None:
    balances = Book([flows.commit(flows.AwardRef("s", "c", "p"), D("5.00"), AT, "k")]).balances()
    (line,) = views.per_call(balances, {})
    assert (line.appropriated, line.committed, line.uncommitted) == (D(0), D("5.00"), D("-5.00"))


@settings(max_examples=100)
@given(slugs, slugs, slugs)
def test_every_account_code_names_its_kind_and_path(scheme: str, call: str, project: str) -> None:
    codes = {
        accounts.appropriation(scheme): (Kind.APPROPRIATION, (scheme,)),
        accounts.fund(scheme): (Kind.FUND, (scheme,)),
        accounts.call(scheme, call): (Kind.CALL, (scheme, call)),
        accounts.commitment(scheme, call, project): (Kind.COMMITMENT, (scheme, call, project)),
        accounts.disbursed(scheme, call, project): (Kind.DISBURSED, (scheme, call, project)),
        accounts.receivable(project): (Kind.RECEIVABLE, (project,)),
    }
    for code, (kind, path) in codes.items():
        assert kind_of(code) is kind
        assert path_of(code) == path


@pytest.mark.parametrize(
    ("scheme", "call", "field"),
    [
        ("AISS", "c1", "scheme"),
        ("aiss", "c/1", "call"),
        ("aiss", "", "call"),
        ("-x", "c", "scheme"),
    ],
)
def test_a_segment_that_could_break_the_path_is_refused_naming_it(
    scheme: str, call: str, field: str
) -> None:
    with pytest.raises(RuleViolation, match="lowercase slug") as err:
        accounts.call(scheme, call)
    assert err.value.field == field


def test_merged_postings_keep_first_seen_order_and_drop_accounts_that_net_to_zero() -> None:
    # a: +10 - 10 = 0 (dropped); b: +5 + 2 = +7; c: -7.
    entry = make_entry(
        "k",
        "m",
        AT,
        [
            posting("fund:a", "10"),
            posting("fund:b", "5"),
            posting("fund:a", "-10"),
            posting("fund:c", "-7"),
            posting("fund:b", "2"),
        ],
    )
    assert [(p.account, p.amount) for p in entry.postings] == [("fund:b", D(7)), ("fund:c", D(-7))]


def test_postings_that_net_to_one_account_are_refused_as_too_few() -> None:
    with pytest.raises(RuleViolation, match="at least two accounts") as err:
        make_entry("k", "m", AT, [posting("fund:a", "1"), posting("fund:a", "-1")])
    assert err.value.field == "postings"


@pytest.mark.parametrize("amount", ["0.001", "1.005", "-0.009"])
def test_a_posting_below_the_cent_is_refused_not_rounded(amount: str) -> None:
    with pytest.raises(RuleViolation, match="whole cents") as err:
        posting("fund:a", amount)
    assert err.value.field == "amount"


def test_a_blank_key_is_refused_even_when_it_is_only_spaces() -> None:
    with pytest.raises(RuleViolation, match="idempotency key"):
        make_entry("   ", "m", AT, [posting("fund:a", "1"), posting("fund:b", "-1")])
