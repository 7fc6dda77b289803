"""The book over any run of the centre's flows: it balances, its views reconcile with the flows
posted, reversals cancel exactly, and re-posting or re-ordering changes nothing."""

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from aisc.core.ledger import accounts, flows, views
from aisc.core.ledger.book import Book
from aisc.core.ledger.entries import Entry

D = Decimal
AT = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
SCHEMES = ("aiss", "pilot")
CALLS = ("c2026a", "c2026b")
PROJECTS = ("p1", "p2")
money = st.integers(min_value=1, max_value=10**9).map(lambda c: Decimal(c) / 100)
awards = st.builds(
    flows.AwardRef, st.sampled_from(SCHEMES), st.sampled_from(CALLS), st.sampled_from(PROJECTS)
)
appropriations = st.tuples(st.just("appropriate"), st.sampled_from(SCHEMES), money)
budgets = st.tuples(st.just("budget"), st.sampled_from(SCHEMES), st.sampled_from(CALLS), money)
commitments = st.tuples(st.just("commit"), awards, money)
bills = st.tuples(
    st.just("bill"),
    st.none() | awards,
    money,
    st.integers(min_value=0, max_value=100),  # subsidy percent
    st.booleans(),  # late
)
steps = st.lists(st.one_of(appropriations, budgets, commitments, bills), max_size=25)


def entries_of(plan: list[tuple]) -> tuple[list[Entry], dict[str, Decimal]]:  # type: ignore[type-arg]
    """The entries of a plan, and the figures the flows should add up to, worked independently."""
    made: list[Entry] = []
    expected: dict[str, Decimal] = {}

    def add(what: str, amount: Decimal) -> None:
        expected[what] = expected.get(what, D(0)) + amount

    for n, step in enumerate(plan):
        key = f"k{n}"
        if step[0] == "appropriate":
            _, scheme, amount = step
            made.append(flows.appropriate(scheme, amount, AT, key))
            add(f"appropriated:{scheme}", amount)
        elif step[0] == "budget":
            _, scheme, call, amount = step
            made.append(flows.budget_call(scheme, call, amount, AT, key))
            add(f"budget:{scheme}/{call}", amount)
        elif step[0] == "commit":
            _, award, amount = step
            made.append(flows.commit(award, amount, AT, key))
            add(f"committed:{award.scheme}/{award.call}", amount)
        else:
            _, award, amount, percent, late = step
            fund = D(0) if award is None else (amount * percent / 100).quantize(D("0.01"))
            line = flows.BilledLine("org-1", award, amount, fund, amount - fund, late)
            made.append(flows.bill(line, AT, key))
            add("receivable", amount - fund)
            add("adjustment" if late else "revenue", amount)
            if award is not None:
                add(f"disbursed:{award.project}", fund)
                add(f"disbursed:{award.scheme}", fund)
    return made, expected


@settings(max_examples=100)
@given(steps)
def test_any_run_of_flows_balances_and_each_entry_balances_on_its_own(plan: list[tuple]) -> None:  # type: ignore[type-arg]
    made, _ = entries_of(plan)
    book = Book(made)
    assert book.total() == 0
    for entry in book.entries:
        assert sum(p.amount for p in entry.postings) == 0
        assert len({p.account for p in entry.postings}) == len(entry.postings)
        assert all(p.amount != 0 for p in entry.postings)


@settings(max_examples=100)
@given(steps)
def test_the_fund_views_reconcile_with_the_flows_posted(plan: list[tuple]) -> None:  # type: ignore[type-arg]
    made, expected = entries_of(plan)
    balances = Book(made).balances()
    for line in views.per_scheme(balances):
        (scheme,) = line.key
        assert line.appropriated == expected.get(f"appropriated:{scheme}", D(0))
        assert line.disbursed == expected.get(f"disbursed:{scheme}", D(0))
        assert line.committed == sum(
            (expected.get(f"committed:{scheme}/{c}", D(0)) for c in CALLS), D(0)
        )
        assert line.remaining == line.appropriated - line.disbursed
        assert line.uncommitted + line.committed == line.appropriated
        assert line.undisbursed + line.disbursed == line.committed
    assert balances.get(accounts.receivable("org-1"), D(0)) == expected.get("receivable", D(0))
    assert -balances.get(accounts.REVENUE, D(0)) == expected.get("revenue", D(0))
    assert -balances.get(accounts.ADJUSTMENT, D(0)) == expected.get("adjustment", D(0))
    for project, amount in views.per_project_disbursed(balances).items():
        assert amount == expected[f"disbursed:{project}"]


@settings(max_examples=100)
@given(steps)
def test_the_call_view_adds_up_to_the_scheme_view(plan: list[tuple]) -> None:  # type: ignore[type-arg]
    made, expected = entries_of(plan)
    balances = Book(made).balances()
    budgets = {
        (s, c): expected[f"budget:{s}/{c}"]
        for s in SCHEMES
        for c in CALLS
        if f"budget:{s}/{c}" in expected
    }
    calls = views.per_call(balances, budgets)
    for line in calls:
        scheme, call = line.key
        assert line.appropriated == budgets.get((scheme, call), D(0))
        assert line.committed == expected.get(f"committed:{scheme}/{call}", D(0))
    for scheme_line in views.per_scheme(balances):
        mine = [c for c in calls if c.key[0] == scheme_line.key[0]]
        assert sum((c.committed for c in mine), D(0)) == scheme_line.committed
        assert sum((c.disbursed for c in mine), D(0)) == scheme_line.disbursed
    # The money left in a call is its budget less what was committed from it.
    for scheme, call in budgets:
        left = balances.get(accounts.call(scheme, call), D(0))
        assert left == budgets[(scheme, call)] - expected.get(f"committed:{scheme}/{call}", D(0))


@settings(max_examples=100)
@given(steps, st.sets(st.integers(0, 24)))
def test_reversing_some_entries_leaves_the_balances_of_the_others(
    plan: list[tuple],  # type: ignore[type-arg]
    chosen: set[int],
) -> None:
    made, _ = entries_of(plan)
    book = Book(made)
    reversed_keys = {e.key for i, e in enumerate(made) if i in chosen}
    for key in sorted(reversed_keys):
        book.reverse(key, f"undo-{key}")
    kept = Book(e for e in made if e.key not in reversed_keys)
    nonzero = {a: v for a, v in book.balances().items() if v != 0}
    assert nonzero == {a: v for a, v in kept.balances().items() if v != 0}
    assert len(book.entries) == len(made) + len(reversed_keys)  # nothing is edited or removed
    assert book.total() == 0


@settings(max_examples=100)
@given(steps, st.randoms(use_true_random=False))
def test_posting_in_any_order_and_twice_gives_the_same_balances(plan: list[tuple], rnd) -> None:  # type: ignore[type-arg,no-untyped-def]
    made, _ = entries_of(plan)
    once = Book(made)
    again = list(made) + list(made)
    rnd.shuffle(again)
    twice = Book()
    posted = [twice.post(e) for e in again]
    assert sum(posted) == len(made)  # each key posted once; the repeat is a no-op
    assert twice.balances() == once.balances()
