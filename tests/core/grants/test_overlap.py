"""Double funding: the measured similarity of two texts, overlapping dates, the earlier awards
that likely overlap an application, and declarations refused with the field and the rule."""

import datetime as dt
from decimal import Decimal

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.grants import overlap
from aisc.core.grants.overlap import Declaration, Work

D = Decimal
JAN, JUN, DEC = dt.date(2026, 1, 1), dt.date(2026, 6, 30), dt.date(2026, 12, 31)


def test_tokens_are_words_without_stop_words_and_pairs_of_chinese_characters() -> None:
    assert overlap.tokens("The Cantonese LLM for 香港法律") == {
        "cantonese",
        "llm",
        "香港",
        "港法",
        "法律",
    }


def test_similarity_is_the_jaccard_index_of_the_token_sets() -> None:
    assert overlap.jaccard("Cantonese speech recognition", "Cantonese speech synthesis") == D(
        "0.50"
    )
    assert overlap.jaccard("same words here", "here words same") == D("1.00")
    assert overlap.jaccard("", "the of") == D("0.00")


def test_date_ranges_overlap_when_they_share_a_day() -> None:
    assert overlap.dates_overlap((JAN, JUN), (JUN, DEC))
    assert not overlap.dates_overlap((JAN, JUN), (JUN + dt.timedelta(days=1), DEC))


def test_likely_overlaps_are_the_same_organisations_similar_work_in_overlapping_dates() -> None:
    app = Work("42", 1, JUN, DEC, "Cantonese legal language model pre-training")
    earlier = [
        Work("p-same", 1, JAN, JUN, "Cantonese legal language model fine-tuning"),
        Work("p-other-org", 2, JAN, DEC, "Cantonese legal language model pre-training"),
        Work("p-earlier", 1, JAN, JAN, "Cantonese legal language model pre-training"),
        Work("p-unrelated", 1, JAN, DEC, "Protein folding on accelerators"),
        Work("p-identical", 1, JUN, DEC, "Cantonese legal language model pre-training"),
    ]
    found = overlap.likely_overlaps(app, earlier, D("0.30"))
    assert [(o.ref, o.similarity) for o in found] == [
        ("p-identical", D("1.00")),
        ("p-same", D("0.43")),
    ]
    assert overlap.likely_overlaps(app, earlier, D("0.60"))[0].ref == "p-identical"
    assert len(overlap.likely_overlaps(app, earlier, D("0.60"))) == 1


def test_the_threshold_is_more_than_zero_and_at_most_one() -> None:
    assert overlap.check_threshold(D("0.3")) == D("0.3")
    assert overlap.check_threshold(D("1")) == D("1")
    for bad in (D("0"), D("1.01")):
        with pytest.raises(RuleViolation) as refused:
            overlap.check_threshold(bad)
        assert refused.value.field == "overlap_threshold"


def declaration(**changes: object) -> Declaration:
    fields: dict[str, object] = {
        "funder": "Innovation and Technology Fund",
        "programme": "ITSP",
        "amount": D("500000"),
        "start": JAN,
        "end": DEC,
    }
    return Declaration(**{**fields, **changes})  # type: ignore[arg-type]


def test_a_declaration_with_funder_amount_and_dates_in_order_is_taken() -> None:
    assert overlap.check_declaration(declaration(end=JAN)).end == JAN


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        (
            {"end": dt.date(2025, 12, 31)},
            "end_date",
            "cannot end (2025-12-31) before it starts (2026-01-01)",
        ),
        ({"funder": " "}, "funder", "name the funder"),
        ({"amount": D("0")}, "amount", "more than zero"),
    ],
)
def test_it_rejects_a_declaration_naming_the_field_and_rule(
    changes: dict[str, object], field: str, words: str
) -> None:
    with pytest.raises(RuleViolation) as refused:
        overlap.check_declaration(declaration(**changes))
    assert refused.value.field == field
    assert words in refused.value.message
