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
