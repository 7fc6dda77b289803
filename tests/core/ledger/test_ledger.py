import datetime as dt
from decimal import Decimal

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.ledger import accounts
from aisc.core.ledger.book import Book
from aisc.core.ledger.entries import Entry, Posting, make_entry, posting, reversal

AT = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
FUND = accounts.fund("aiss")
SOURCE = accounts.appropriation("aiss")


def entry(key: str, amount: str = "100.00") -> Entry:
    return make_entry(key, "test", AT, [posting(FUND, amount), posting(SOURCE, f"-{amount}")])


def test_account_codes_carry_scheme_call_and_project_as_a_path() -> None:
    code = accounts.commitment("aiss", "c2026a", "p2026a-003")
    assert code == "commitment:aiss/c2026a/p2026a-003"
    assert accounts.kind_of(code) is accounts.Kind.COMMITMENT
    assert accounts.path_of(code) == ("aiss", "c2026a", "p2026a-003")
    assert accounts.receivable("org-7") == "receivable:org-7"
    assert accounts.disbursed("aiss", "c1", "p1") == "disbursed:aiss/c1/p1"


def test_an_account_segment_that_is_not_a_slug_is_refused_naming_the_field() -> None:
    with pytest.raises(RuleViolation) as err:
        accounts.call("aiss", "Call 1")
    assert err.value.field == "call"
    assert "lowercase slug" in err.value.message


@pytest.mark.parametrize("code", ["nonsense", "fund", "ledger:x"])
def test_an_account_of_unknown_kind_is_refused(code: str) -> None:
    with pytest.raises(RuleViolation) as err:
        accounts.kind_of(code)
    assert err.value.field == "account"


def test_an_entry_that_does_not_balance_is_refused() -> None:
    with pytest.raises(RuleViolation) as err:
        make_entry("k", "m", AT, [posting(FUND, "10.00"), posting(SOURCE, "-9.99")])
    assert err.value.field == "postings"
    assert "sum to 0.01" in err.value.message


def test_an_entry_needs_two_non_zero_accounts() -> None:
    with pytest.raises(RuleViolation, match="at least two accounts"):
        make_entry("k", "m", AT, [posting(FUND, "10.00"), posting(FUND, "-10.00")])


def test_an_entry_without_a_key_or_with_a_naive_time_is_refused() -> None:
    with pytest.raises(RuleViolation) as err:
        make_entry(" ", "m", AT, [])
    assert err.value.field == "key"
    with pytest.raises(RuleViolation) as err:
        make_entry("k", "m", dt.datetime(2026, 1, 1), [])
    assert err.value.field == "at"


def test_a_posting_of_fractions_of_a_cent_is_refused() -> None:
    with pytest.raises(RuleViolation) as err:
        posting(FUND, "0.001")
    assert err.value.field == "amount"


def test_postings_to_one_account_are_merged() -> None:
    e = make_entry(
        "k", "m", AT, [posting(FUND, "1.00"), posting(FUND, "2.00"), posting(SOURCE, "-3.00")]
    )
    assert e.postings == (Posting(FUND, Decimal("3.00")), Posting(SOURCE, Decimal("-3.00")))


def test_posting_the_same_entry_twice_changes_nothing() -> None:
    book = Book()
    assert book.post(entry("a")) is True
    assert book.post(entry("a")) is False
    assert book.balance(FUND) == Decimal("100.00")
    assert len(book.entries) == 1


def test_reusing_a_key_for_different_amounts_is_refused() -> None:
    book = Book([entry("a")])
    with pytest.raises(RuleViolation) as err:
        book.post(entry("a", "5.00"))
    assert err.value.field == "key"
    assert book.balance(FUND) == Decimal("100.00")


def test_a_reversing_entry_cancels_the_original_and_keeps_both() -> None:
    book = Book([entry("a")])
    rev = book.reverse("a", "a-rev")
    assert rev.reverses == "a"
    assert rev.memo == "reversal of a"
    assert book.balance(FUND) == Decimal("0.00")
    assert len(book.entries) == 2
    assert book.total() == 0


def test_an_entry_cannot_be_reversed_twice_or_when_unknown() -> None:
    book = Book([entry("a")])
    book.reverse("a", "r1")
    with pytest.raises(RuleViolation, match="already reversed"):
        book.reverse("a", "r2")
    with pytest.raises(RuleViolation, match="no entry with key 'zz'"):
        book.reverse("zz", "r3")
    with pytest.raises(RuleViolation, match="no entry with key 'zz'"):
        book.post(reversal(entry("zz"), "r4", AT, memo="typo"))


def test_an_unknown_account_balance_is_zero() -> None:
    assert Book().balance(FUND) == 0
