"""Outcomes of an award, first cut: publications (with a DOI checked for form) and models or
datasets released (URL and licence). Each check names the field and the rule it enforces."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from aisc.core.errors import RuleViolation


class OutputKind(StrEnum):
    PUBLICATION = "publication"
    MODEL = "model"
    DATASET = "dataset"


# Crossref's advice for matching modern DOIs: "10.", a 4-9 digit registrant, "/", a suffix.
_DOI = re.compile(r"^10\.\d{4,9}/[-._;()/:a-z0-9<>\[\]]+$", re.IGNORECASE)
_DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:")
_URL = re.compile(r"^https?://[^\s/?#]+([/?#]\S*)?$", re.IGNORECASE)
MAX_TITLE = 300
MAX_LICENCE = 100


@dataclass(frozen=True)
class Output:
    kind: OutputKind
    title: str
    doi: str = ""
    url: str = ""
    licence: str = ""


def normalise_doi(text: str) -> str:
    """The bare DOI (`10.1234/abc`), from itself or its resolver URL or `doi:` form."""
    doi = text.strip()
    for prefix in _DOI_PREFIXES:
        if doi.lower().startswith(prefix):
            doi = doi[len(prefix) :]
            break
    if not _DOI.match(doi):
        raise RuleViolation(
            "not a DOI: %(text)s (expected 10.NNNN/suffix, e.g. 10.1038/nature14539)",
            field="doi",
            params={"text": f"{text.strip()!r}"},
        )
    return doi


def check_url(text: str) -> str:
    url = text.strip()
    if not _URL.match(url):
        raise RuleViolation(
            "not a web address (http or https): %(url)s", field="url", params={"url": f"{url!r}"}
        )
    return url


def check_output(kind: str, title: str, doi: str = "", url: str = "", licence: str = "") -> Output:
    """A publication needs a DOI; a model or a dataset needs its URL and its licence."""
    try:
        sort = OutputKind(kind)
    except ValueError:
        allowed = ", ".join(k.value for k in OutputKind)
        raise RuleViolation(
            "must be one of %(allowed)s, not %(kind)s",
            field="kind",
            params={"allowed": allowed, "kind": f"{kind!r}"},
        ) from None
    name = title.strip()
    if not name or len(name) > MAX_TITLE:
        raise RuleViolation(
            "a title of 1 to %(max_title)s characters is required",
            field="title",
            params={"max_title": MAX_TITLE},
        )
    if sort is OutputKind.PUBLICATION:
        url_ = check_url(url) if url.strip() else ""
        return Output(sort, name, doi=normalise_doi(doi), url=url_)
    tag = licence.strip()
    if not tag or len(tag) > MAX_LICENCE:
        raise RuleViolation(
            "a released %(sort)s needs its licence (e.g. Apache-2.0, CC-BY-4.0)",
            field="licence",
            params={"sort": sort.value},
        )
    doi_ = normalise_doi(doi) if doi.strip() else ""
    return Output(sort, name, doi=doi_, url=check_url(url), licence=tag)
