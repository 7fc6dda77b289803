"""Properties of issue 5: the ledger balances; the split never over-pays; re-ingest is a no-op."""

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.billing.rating import ChargeLine, LineKey
from aisc.core.billing.split import Terms, split_line
from aisc.core.billing.statement import build_statement
from aisc.core.ledger import flows
from aisc.core.ledger.book import Book
from aisc.core.metering.records import UsageRecord, corrected
from aisc.core.units import round_money

AT = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
cents = st.integers(min_value=-(10**9), max_value=10**11).map(lambda c: Decimal(c) / 100)
positive_cents = st.integers(min_value=0, max_value=10**11).map(lambda c: Decimal(c) / 100)
rates = st.integers(min_value=0, max_value=100).map(lambda p: Decimal(p) / 100)
terms = st.builds(Terms, rate=rates, cap=positive_cents)


@given(amount=cents, t=st.none() | terms, used=positive_cents)
def test_grantee_share_plus_fund_share_is_the_list_amount_to_the_cent(amount, t, used) -> None:  # type: ignore[no-untyped-def]
    s = split_line(amount, t, used)
    assert s.fund_share + s.grantee_share == amount
    assert round_money(s.fund_share) == s.fund_share


@given(amount=positive_cents, t=terms, used=positive_cents)
def test_the_fund_share_never_exceeds_rate_times_amount_nor_the_remaining_cap(
    amount: Decimal, t: Terms, used: Decimal
) -> None:
    s = split_line(amount, t, used)
    assert 0 <= s.fund_share <= round_money(t.rate * amount)
    assert s.fund_share <= max(t.cap - used, Decimal(0))


@given(
    seconds=st.lists(st.integers(min_value=1, max_value=10**7), min_size=1, max_size=8),
    t=terms,
    used=positive_cents,
)
def test_a_statement_never_pays_out_more_than_the_cap_allows(seconds, t, used) -> None:  # type: ignore[no-untyped-def]
    charges = [
        ChargeLine(LineKey("p", "h800", f"part{i}", Decimal("20"), False), s)
        for i, s in enumerate(seconds)
    ]
    statement = build_statement("p", charges, t, used)
    assert statement.subsidy <= max(t.cap - used, Decimal(0))
    assert statement.subsidy + statement.due == statement.list_amount


@given(
    lines=st.lists(
        st.tuples(
            st.integers(min_value=-(10**6), max_value=10**7),
            st.integers(min_value=1, max_value=10**4).map(lambda c: Decimal(c) / 100),
            st.integers(min_value=0, max_value=10**4).map(lambda c: Decimal(c) / 100),
        ),
        min_size=1,
        max_size=8,
    ),
    t=st.none() | terms,
    used=positive_cents,
)
def test_premiums_are_charged_in_full_on_top_of_the_subsidised_list_amount(lines, t, used) -> None:  # type: ignore[no-untyped-def]
    charges = [
        ChargeLine(LineKey("p", "h800", f"part{i}", price, False, premium), seconds)
        for i, (seconds, price, premium) in enumerate(lines)
    ]
    statement = build_statement("p", charges, t, used)
    assert statement.list_amount + statement.premium == statement.subsidy + statement.due
    assert statement.premium == sum((c.premium_amount for c in charges), Decimal(0))
    for line in statement.lines:
        assert line.split.fund_share + line.split.grantee_share == line.split.list_amount
        assert line.due == line.split.grantee_share + line.premium


@settings(max_examples=60)
@given(
    lines=st.lists(
        st.tuples(positive_cents, rates, st.booleans(), st.booleans()), min_size=1, max_size=20
    ),
    reverse_some=st.lists(st.integers(min_value=0, max_value=19), max_size=5),
)
def test_the_ledger_always_balances(lines, reverse_some) -> None:  # type: ignore[no-untyped-def]
    book = Book()
    book.post(flows.appropriate("aiss", Decimal("3000000000.00"), AT, "approp"))
    award = flows.AwardRef("aiss", "c1", "p1")
    for i, (amount, rate, subsidised, late) in enumerate(lines):
        fund = round_money(rate * amount) if subsidised else Decimal(0)
        line = flows.BilledLine(
            "org", award if subsidised else None, amount, fund, amount - fund, late
        )
        if amount:
            book.post(flows.bill(line, AT, f"line-{i}"))
    posted = {e.key for e in book.entries}
    for i in sorted(set(reverse_some)):
        if f"line-{i}" in posted:
            book.reverse(f"line-{i}", f"rev-{i}")
    assert book.total() == 0
    for entry in book.entries:
        assert sum(p.amount for p in entry.postings) == 0


def record(job: int, elapsed: int, state: str) -> UsageRecord:
    return UsageRecord(
        cluster="aisc",
        job_id=str(job),
        submit=AT,
        start=AT,
        elapsed_seconds=elapsed,
        account="p1",
        user="u",
        partition="h800",
        state=state,
        gpus=(("h800", 1),),
    )


def ingest(store: dict, batch: list[UsageRecord]) -> None:  # type: ignore[type-arg]
    for fresh in batch:
        keep = corrected(store.get(fresh.key), fresh)
        if keep is not None:
            store[fresh.key] = keep


records = st.lists(
    st.builds(
        record,
        job=st.integers(min_value=1, max_value=30),
        elapsed=st.integers(min_value=0, max_value=10**6),
        state=st.sampled_from(["COMPLETED", "FAILED", "CANCELLED", "TIMEOUT"]),
    ),
    unique_by=lambda r: r.key,
    max_size=30,
)


@given(batch=records, subset=st.lists(st.integers(min_value=0, max_value=29), max_size=40))
def test_re_ingesting_any_subset_of_records_changes_nothing(batch, subset) -> None:  # type: ignore[no-untyped-def]
    store: dict = {}  # type: ignore[type-arg]
    ingest(store, batch)
    before = dict(store)
    again = [batch[i] for i in subset if i < len(batch)]
    ingest(store, again)
    assert store == before
