from decimal import Decimal

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.grants import eligibility as el
from aisc.core.grants import tranches as tr
from aisc.core.grants.ranking import Candidate, rank
from aisc.core.units import Money


def test_the_default_plan_is_half_at_start_and_half_after_a_report() -> None:
    assert [t.fraction for t in tr.DEFAULT_PLAN] == [Decimal("0.5"), Decimal("0.5")]
    assert (
        tr.parse_plan([{"fraction": "0.5", "condition": tr.AT_START}] * 2)
        == (tr.TrancheSpec(Decimal("0.5"), tr.AT_START),) * 2
    )


def test_tranches_always_add_up_to_the_award() -> None:
    plan = tr.parse_plan([{"fraction": "0.333"}, {"fraction": "0.333"}, {"fraction": "0.334"}])
    parts = tr.split_hours(Decimal("1000.01"), plan)
    assert sum(parts) == Decimal("1000.01")
    assert parts[0] == Decimal("333.00")


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "at least one"),
        ([{"fraction": "0.6"}, {"fraction": "0.6"}], "sum to 1 \\(they sum to 1.2\\)"),
        ([{"fraction": "0"}, {"fraction": "1"}], "above 0"),
        ([{"condition": "x"}], "needs a fraction"),
        ([{"fraction": "half"}], "needs a fraction"),
    ],
)
def test_it_refuses_a_malformed_tranche_plan(rows: list[dict[str, str]], message: str) -> None:
    with pytest.raises(RuleViolation, match=message) as e:
        tr.parse_plan(rows)
    assert e.value.field == "tranche_plan"


def test_it_ranks_by_score_and_draws_the_funding_line_at_the_budget() -> None:
    ranked = rank(
        [
            Candidate(1, Decimal("60"), Money(30)),
            Candidate(2, Decimal("90"), Money(60)),
            Candidate(3, Decimal("80"), Money(50)),
            Candidate(4, None, Money(1)),
        ],
        Money(100),
    )
    assert [(r.key, r.rank, r.within_budget) for r in ranked] == [
        (2, 1, True),
        (3, 2, False),  # 60 + 50 > 100: below the line
        (1, 3, True),  # the cheaper one further down still fits
        (4, 4, True),  # unreviewed: last
    ]
    assert ranked[2].cumulative == Money(90)


def test_equal_scores_put_the_cheaper_first() -> None:
    ranked = rank(
        [Candidate(1, Decimal(70), Money(9)), Candidate(2, Decimal(70), Money(5))], Money(100)
    )
    assert [r.key for r in ranked] == [2, 1]


def test_it_refuses_an_ineligible_applicant_type() -> None:
    el.check_eligible("university", ["university", "startup"])
    with pytest.raises(RuleViolation, match="may not apply") as e:
        el.check_eligible("other", ["university", "startup"])
    assert e.value.field == "organisation"


def test_it_lists_missing_fields_in_form_order() -> None:
    values = {"title": "x", "summary": "  ", "gpus": None, "declared": False, "months": 0}
    missing = el.missing_fields(values, ["title", "summary", "gpus", "declared", "months"])
    assert missing == ["summary", "gpus", "declared"]
    el.check_complete([])
    with pytest.raises(RuleViolation, match="missing: summary, gpus") as e:
        el.check_complete(["summary", "gpus"])
    assert e.value.field == "summary"


def test_screening_passes_only_with_every_item_ticked() -> None:
    el.check_checklist(["a", "b"], {"a": True, "b": True})
    with pytest.raises(RuleViolation, match="not met: b") as e:
        el.check_checklist(["a", "b"], {"a": True})
    assert e.value.field == "b"
