"""A call's screening checklist, validated before it is saved."""

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.grants.eligibility import parse_checklist


def test_it_keeps_valid_items_trimmed_and_fills_a_missing_chinese_label() -> None:
    items = parse_checklist([{"code": " hk_registered ", "label_en": " Registered in HK "}])
    assert items == [{"code": "hk_registered", "label_en": "Registered in HK", "label_zh": ""}]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "at least one item"),
        ([{"code": "Bad Code", "label_en": "x"}], "'Bad Code' must be lower-case"),
        ([{"code": "", "label_en": "x"}], "'' must be lower-case"),
        ([{"code": "ok", "label_en": "  "}], "'ok' needs an English label"),
        ([{"code": "a", "label_en": "x"}, {"code": "a", "label_en": "y"}], "must be unique"),
    ],
)
def test_it_refuses_a_bad_checklist_naming_the_field(
    rows: list[dict[str, str]], message: str
) -> None:
    with pytest.raises(RuleViolation, match=message) as err:
        parse_checklist(rows)
    assert err.value.field == "checklist"
