"""Outcomes of an award: publications (with a DOI checked for form), models, datasets and software
released (URL and licence), patents filed or granted (their number), products or services
launched, people hired or trained (how many), follow-on funding raised (HK$). Each check names
the field and the rule it enforces."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from aisc.core.errors import RuleViolation
from aisc.core.units import to_decimal


class OutputKind(StrEnum):
    PUBLICATION = "publication"
    MODEL = "model"
    DATASET = "dataset"
    SOFTWARE = "software"
    PATENT_FILED = "patent_filed"
    PATENT_GRANTED = "patent_granted"
    PRODUCT = "product"
    PEOPLE_HIRED = "people_hired"
    PEOPLE_TRAINED = "people_trained"
    FOLLOW_ON_FUNDING = "follow_on_funding"


RELEASES = frozenset({OutputKind.MODEL, OutputKind.DATASET, OutputKind.SOFTWARE})
PATENTS = frozenset({OutputKind.PATENT_FILED, OutputKind.PATENT_GRANTED})
PEOPLE = frozenset({OutputKind.PEOPLE_HIRED, OutputKind.PEOPLE_TRAINED})


# Crossref's advice for matching modern DOIs: "10.", a 4-9 digit registrant, "/", a suffix.
_DOI = re.compile(r"^10\.\d{4,9}/[-._;()/:a-z0-9<>\[\]]+$", re.IGNORECASE)
_DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:")
_URL = re.compile(r"^https?://[^\s/?#]+([/?#]\S*)?$", re.IGNORECASE)
MAX_TITLE = 300
MAX_LICENCE = 100
MAX_REFERENCE = 100
MAX_PEOPLE = 100_000
MAX_FUNDING = Decimal("1e12")


@dataclass(frozen=True)
class Output:
    kind: OutputKind
    title: str
    doi: str = ""
    url: str = ""
    licence: str = ""
    reference: str = ""
    quantity: Decimal | None = None


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


def typed_number(text: str, field: str) -> Decimal:
    """A number as typed (thousands commas allowed), finite; the one reading of figures the
    grants forms take (outputs, KPIs, the follow-up survey)."""
    try:
        return to_decimal(text.strip().replace(",", ""))
    except ValueError:
        raise RuleViolation(
            "must be a number, not %(text)s", field=field, params={"text": f"{text.strip()!r}"}
        ) from None


def _people(text: str) -> Decimal:
    count = typed_number(text, "quantity")
    if count != count.to_integral_value() or not 1 <= count <= MAX_PEOPLE:
        raise RuleViolation(
            "how many people: a whole number from 1 to %(max_people)s",
            field="quantity",
            params={"max_people": MAX_PEOPLE},
        )
    return count.quantize(Decimal(1))


def _funding(text: str) -> Decimal:
    amount = typed_number(text, "quantity")
    if not Decimal(0) < amount < MAX_FUNDING or amount != amount.quantize(Decimal("0.01")):
        raise RuleViolation(
            "the amount raised: more than HK$0, to the cent, below HK$%(max_funding)s",
            field="quantity",
            params={"max_funding": f"{MAX_FUNDING:,.0f}"},
        )
    return amount.quantize(Decimal("0.01"))


def _kind(kind: str) -> OutputKind:
    try:
        return OutputKind(kind)
    except ValueError:
        allowed = ", ".join(k.value for k in OutputKind)
        raise RuleViolation(
            "must be one of %(allowed)s, not %(kind)s",
            field="kind",
            params={"allowed": allowed, "kind": f"{kind!r}"},
        ) from None


def check_output(
    kind: str,
    title: str,
    doi: str = "",
    url: str = "",
    licence: str = "",
    reference: str = "",
    quantity: str = "",
) -> Output:
    """A publication needs a DOI; a model, dataset or software its URL and licence; a patent its
    number; people hired or trained how many; follow-on funding the amount (HK$), its title
    naming the funder. A web address is checked wherever one is given."""
    sort = _kind(kind)
    name = title.strip()
    if not name or len(name) > MAX_TITLE:
        raise RuleViolation(
            "a title of 1 to %(max_title)s characters is required",
            field="title",
            params={"max_title": MAX_TITLE},
        )
    url_ = check_url(url) if url.strip() or sort in RELEASES else ""
    if sort is OutputKind.PUBLICATION:
        return Output(sort, name, doi=normalise_doi(doi), url=url_)
    if sort in PATENTS:
        number = reference.strip()
        if not number or len(number) > MAX_REFERENCE:
            raise RuleViolation(
                "a patent needs its application or patent number (1 to %(max)s characters)",
                field="reference",
                params={"max": MAX_REFERENCE},
            )
        return Output(sort, name, url=url_, reference=number)
    if sort in PEOPLE:
        return Output(sort, name, quantity=_people(quantity))
    if sort is OutputKind.FOLLOW_ON_FUNDING:
        return Output(sort, name, url=url_, quantity=_funding(quantity))
    if sort is OutputKind.PRODUCT:
        return Output(sort, name, url=url_)
    tag = licence.strip()
    if not tag or len(tag) > MAX_LICENCE:
        raise RuleViolation(
            "a released %(sort)s needs its licence (e.g. Apache-2.0, CC-BY-4.0)",
            field="licence",
            params={"sort": sort.value},
        )
    doi_ = normalise_doi(doi) if doi.strip() else ""
    return Output(sort, name, doi=doi_, url=url_, licence=tag)
