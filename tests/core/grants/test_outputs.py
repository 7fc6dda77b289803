from decimal import Decimal

import pytest

from aisc.core.errors import RuleViolation
from aisc.core.grants.outputs import Output, OutputKind, check_output, check_url, normalise_doi


@pytest.mark.parametrize(
    "text",
    [
        "10.1038/nature14539",
        "https://doi.org/10.1038/nature14539",
        "http://doi.org/10.1038/nature14539",
        "https://dx.doi.org/10.1038/nature14539",
        "doi:10.1038/nature14539",
        " DOI:10.1038/nature14539 ",
    ],
)
def test_it_accepts_a_doi_in_its_usual_written_forms_and_keeps_the_bare_one(text: str) -> None:
    assert normalise_doi(text) == "10.1038/nature14539"


@pytest.mark.parametrize(
    "text", ["", "10.12/abc", "11.1038/x", "10.1038/", "10.1038/with space", "nature14539"]
)
def test_it_refuses_a_malformed_doi_naming_the_field(text: str) -> None:
    with pytest.raises(RuleViolation, match="not a DOI") as err:
        normalise_doi(text)
    assert err.value.field == "doi"


def test_it_accepts_http_and_https_addresses_only() -> None:
    assert check_url(" https://huggingface.co/hkai/canto-13b ") == (
        "https://huggingface.co/hkai/canto-13b"
    )
    for bad in ("ftp://x.org/a", "https://", "huggingface.co/x", "https://a.org/b c"):
        with pytest.raises(RuleViolation) as err:
            check_url(bad)
        assert err.value.field == "url"


def test_a_publication_needs_a_doi_and_may_give_a_url() -> None:
    assert check_output("publication", " Paper ", doi="doi:10.1145/3580305.3599") == Output(
        OutputKind.PUBLICATION, "Paper", doi="10.1145/3580305.3599"
    )
    with_url = check_output("publication", "P", doi="10.1145/1.2", url="https://a.org/p")
    assert with_url.url == "https://a.org/p"
    with pytest.raises(RuleViolation) as err:
        check_output("publication", "Paper")
    assert err.value.field == "doi"


def test_a_model_or_dataset_needs_its_url_and_licence_and_may_give_a_doi() -> None:
    model = check_output("model", "Canto-13B", url="https://hf.co/x", licence=" Apache-2.0 ")
    assert model == Output(
        OutputKind.MODEL, "Canto-13B", url="https://hf.co/x", licence="Apache-2.0"
    )
    data = check_output(
        "dataset", "Corpus", url="https://hf.co/d", licence="CC-BY-4.0", doi="10.5281/zenodo.1"
    )
    assert data.doi == "10.5281/zenodo.1"
    with pytest.raises(RuleViolation) as err:
        check_output("dataset", "Corpus", url="https://hf.co/d")
    assert err.value.field == "licence"
    with pytest.raises(RuleViolation) as err:
        check_output("model", "M", url="", licence="MIT")
    assert err.value.field == "url"


def test_it_refuses_an_unknown_kind_or_a_missing_or_overlong_title() -> None:
    with pytest.raises(RuleViolation, match="publication, model, dataset") as err:
        check_output("poem", "T")
    assert err.value.field == "kind"
    for title in ("  ", "x" * 301):
        with pytest.raises(RuleViolation) as err:
            check_output("publication", title, doi="10.1038/n1")
        assert err.value.field == "title"


def test_software_is_released_like_a_model_with_its_url_and_licence() -> None:
    tool = check_output("software", "canto-tok", url="https://github.com/hk/t", licence="MIT")
    assert (tool.kind, tool.url, tool.licence) == (
        OutputKind.SOFTWARE,
        "https://github.com/hk/t",
        "MIT",
    )
    with pytest.raises(RuleViolation) as err:
        check_output("software", "canto-tok", licence="MIT")
    assert err.value.field == "url"


@pytest.mark.parametrize("kind", ["patent_filed", "patent_granted"])
def test_a_patent_needs_its_number_and_may_give_a_url(kind: str) -> None:
    patent = check_output(kind, "Sparse attention", reference=" HK30012345A ")
    assert (patent.kind.value, patent.reference, patent.url) == (kind, "HK30012345A", "")
    for bad in ("", "  ", "x" * 101):
        with pytest.raises(RuleViolation, match="number") as err:
            check_output(kind, "Sparse attention", reference=bad)
        assert err.value.field == "reference"
    with pytest.raises(RuleViolation) as err:
        check_output(kind, "Sparse attention", reference="HK1", url="not a url")
    assert err.value.field == "url"


def test_a_product_or_service_needs_only_its_name_and_checks_a_url_when_given() -> None:
    assert check_output("product", "Canto chat") == Output(OutputKind.PRODUCT, "Canto chat")
    assert check_output("product", "Canto chat", url="https://chat.hk").url == "https://chat.hk"


@pytest.mark.parametrize("kind", ["people_hired", "people_trained"])
def test_people_hired_or_trained_are_a_whole_number_from_one(kind: str) -> None:
    assert check_output(kind, "ML engineers", quantity=" 1,200 ").quantity == Decimal(1200)
    for bad in ("", "two", "0", "-3", "2.5", "100001", "NaN", "Infinity"):
        with pytest.raises(RuleViolation) as err:
            check_output(kind, "ML engineers", quantity=bad)
        assert err.value.field == "quantity", bad


def test_follow_on_funding_is_an_amount_above_zero_to_the_cent() -> None:
    raised = check_output("follow_on_funding", "ITF seed", quantity="2500000.5")
    assert raised.quantity == Decimal("2500000.50")
    for bad in ("", "0", "-1", "1.005", "1e12", "abc"):
        with pytest.raises(RuleViolation) as err:
            check_output("follow_on_funding", "ITF seed", quantity=bad)
        assert err.value.field == "quantity", bad
