from decimal import Decimal

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.grants import rubric as r

SCORES = {"alignment": 8, "compute": 6, "technical": 7, "financial": 5}


def test_the_default_rubric_has_four_criteria_summing_to_100() -> None:
    assert len(r.DEFAULT_RUBRIC) == 4
    assert sum(c.weight for c in r.DEFAULT_RUBRIC) == 100
    r.validate_rubric(r.DEFAULT_RUBRIC)


def test_it_round_trips_a_rubric_through_its_stored_rows() -> None:
    rows = [c.as_dict() for c in r.DEFAULT_RUBRIC]
    assert r.parse_rubric(rows) == r.DEFAULT_RUBRIC


def test_every_default_criterion_guides_reviewers_in_both_languages() -> None:
    assert all(c.guidance and c.guidance_zh for c in r.DEFAULT_RUBRIC)


def test_a_row_stored_before_chinese_guidance_existed_reads_with_none() -> None:
    row = {"code": "a", "name_en": "A", "weight": 100, "guidance": "Why"}
    (criterion,) = r.parse_rubric([row])
    assert criterion.guidance_zh == ""
    assert criterion.as_dict() == {**row, "name_zh": "", "guidance_zh": ""}


def test_it_refuses_a_row_without_a_weight() -> None:
    with pytest.raises(RuleViolation, match="whole-number weight") as err:
        r.parse_rubric([{"code": "a", "name_en": "A"}])
    assert err.value.field == "rubric"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "at least one"),
        ([{"code": "a", "name_en": "A", "weight": 50}] * 2, "unique"),
        (
            [
                {"code": "a", "name_en": "A", "weight": 0},
                {"code": "b", "name_en": "B", "weight": 100},
            ],
            "positive",
        ),
        ([{"code": "a", "name_en": "A", "weight": 90}], "sum to 100 \\(they sum to 90\\)"),
    ],
)
def test_it_refuses_a_malformed_rubric(rows: list[dict[str, object]], message: str) -> None:
    with pytest.raises(RuleViolation, match=message):
        r.parse_rubric(rows)


def test_it_weights_each_score_by_its_criterion() -> None:
    # 25×8 + 20×6 + 30×7 + 25×5 = 655 → 65.5 on a 0-100 scale
    assert r.weighted_total(r.DEFAULT_RUBRIC, SCORES) == Decimal("65.50")


def test_full_marks_make_100() -> None:
    full = dict.fromkeys(SCORES, 10)
    assert r.weighted_total(r.DEFAULT_RUBRIC, full) == Decimal("100.00")


def test_it_names_the_criterion_left_unscored() -> None:
    with pytest.raises(RuleViolation, match="missing: financial") as err:
        r.weighted_total(r.DEFAULT_RUBRIC, {k: v for k, v in SCORES.items() if k != "financial"})
    assert err.value.field == "financial"


def test_it_refuses_a_score_for_an_unknown_criterion() -> None:
    with pytest.raises(RuleViolation, match="not a criterion") as err:
        r.check_scores(r.DEFAULT_RUBRIC, {**SCORES, "vibes": 3})
    assert err.value.field == "vibes"


@pytest.mark.parametrize("bad", [11, -1])
def test_it_refuses_a_score_off_the_scale(bad: int) -> None:
    with pytest.raises(RuleViolation, match="between 0 and 10") as err:
        r.check_scores(r.DEFAULT_RUBRIC, {**SCORES, "compute": bad})
    assert err.value.field == "compute"


@pytest.mark.parametrize("bad", [7.5, True, "7"])
def test_it_refuses_a_score_that_is_not_a_whole_number(bad: object) -> None:
    with pytest.raises(RuleViolation, match="whole number"):
        r.check_scores(r.DEFAULT_RUBRIC, {**SCORES, "compute": bad})  # type: ignore[dict-item]


def test_the_aggregate_shows_mean_and_spread() -> None:
    agg = r.aggregate([Decimal("60"), Decimal("80"), Decimal("70")])
    assert agg is not None
    assert (agg.count, agg.mean, agg.low, agg.high, agg.spread) == (
        3,
        Decimal("70.00"),
        Decimal("60"),
        Decimal("80"),
        Decimal("20"),
    )
    assert agg.stdev == Decimal("8.16")


def test_a_single_review_has_no_spread() -> None:
    agg = r.aggregate([Decimal("72.5")])
    assert agg is not None
    assert (agg.spread, agg.stdev) == (Decimal(0), Decimal(0))


def test_no_reviews_give_no_aggregate() -> None:
    assert r.aggregate([]) is None
