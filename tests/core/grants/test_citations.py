"""Publications imported from CSL-JSON or from BibTeX's fields: every entry checked as a
publication, or the whole import refused naming the entry, its field and the rule."""

from __future__ import annotations

import json

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.grants import citations
from aisc.core.grants.outputs import Output, OutputKind


def test_csl_json_items_become_publications_with_their_doi_and_url() -> None:
    text = json.dumps(
        [
            {"id": "a", "type": "article-journal", "title": "Canto LLM", "DOI": "10.1038/n1"},
            {
                "id": "b",
                "title": "Tokens",
                "DOI": "https://doi.org/10.1145/2.3",
                "URL": "https://a.org/p",
            },
        ]
    )
    assert citations.from_csl_json(text) == [
        Output(OutputKind.PUBLICATION, "Canto LLM", doi="10.1038/n1"),
        Output(OutputKind.PUBLICATION, "Tokens", doi="10.1145/2.3", url="https://a.org/p"),
    ]


def test_a_single_csl_json_item_is_read_as_a_list_of_one() -> None:
    one = citations.from_csl_json(json.dumps({"title": "T", "DOI": "10.1038/n1"}))
    assert [p.doi for p in one] == ["10.1038/n1"]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "a list of items"),
        ('"a string"', "a list of items"),
        ("[]", "no entries"),
    ],
)
def test_it_refuses_a_file_that_is_not_csl_json(text: str, rule: str) -> None:
    with pytest.raises(RuleViolation, match=rule) as err:
        citations.from_csl_json(text)
    assert err.value.field == "file"


def test_a_malformed_doi_refuses_the_whole_import_naming_the_entry_and_field() -> None:
    entries = [
        {"label": "ok2026", "title": "Fine", "doi": "10.1038/n1"},
        {"label": "bad2026", "title": "Broken", "doi": "10.12/x"},
    ]
    with pytest.raises(RuleViolation) as err:
        citations.publications(entries)
    assert err.value.field == "file"
    assert err.value.message.startswith("entry 2 (bad2026): doi: not a DOI")


def test_an_entry_without_a_title_or_key_is_named_by_its_place() -> None:
    with pytest.raises(RuleViolation, match=r"entry 1 \(no key\): title") as err:
        citations.publications([{"title": ["not", "a", "string"], "DOI": "10.1038/n1"}])
    assert err.value.params["field"] == "title"


def test_an_import_holds_at_most_500_entries() -> None:
    entries = [{"title": f"P{i}", "doi": f"10.1038/n{i}"} for i in range(501)]
    with pytest.raises(RuleViolation, match="at most 500") as err:
        citations.publications(entries)
    assert err.value.field == "file"
    assert len(citations.publications(entries[:500])) == 500
