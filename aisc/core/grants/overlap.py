"""Double funding: each application declares other public funding for the same work, and the
secretariat's screening sees the scheme's own earlier awards that likely overlap it: the same
organisation, overlapping dates, and a similar title or summary. Similarity is measured as the
Jaccard index of the two texts' token sets (English words, Chinese character pairs), against a
threshold the scheme sets."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from aisc.core.errors import RuleViolation

DEFAULT_THRESHOLD = Decimal("0.30")
_WORD = re.compile(r"[a-z0-9]+")
_HAN = re.compile(r"[\u3400-\u9fff]+")
# Words that say nothing about the work itself.
STOP = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "from",
        "into",
        "that",
        "this",
        "are",
        "was",
        "using",
        "use",
        "based",
        "our",
    ]
) | (
    frozenset(
        [
            "new",
            "its",
            "via",
            "of",
            "to",
            "in",
            "on",
            "a",
            "an",
            "by",
            "at",
            "as",
            "is",
            "be",
            "or",
            "we",
            "model",
            "models",
            "project",
        ]
    )
)


def tokens(text: str) -> frozenset[str]:
    """Lower-case words of three or more letters or digits (stop words out), and each pair of
    adjacent Chinese characters (Chinese is written without spaces)."""
    lowered = text.lower()
    words = {w for w in _WORD.findall(lowered) if len(w) >= 3 and w not in STOP}
    pairs = {run[i : i + 2] for run in _HAN.findall(lowered) for i in range(len(run) - 1)}
    return frozenset(words | pairs)


def jaccard(a: str, b: str) -> Decimal:
    """|A ∩ B| / |A ∪ B| of the token sets, to two decimals; 0 when both are empty."""
    left, right = tokens(a), tokens(b)
    union = left | right
    if not union:
        return Decimal("0.00")
    return (Decimal(len(left & right)) / Decimal(len(union))).quantize(Decimal("0.01"))


def dates_overlap(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


@dataclass(frozen=True)
class Work:
    """An application or an earlier award, as the overlap rule sees it."""

    ref: str  # the application's id or the award's project code
    organisation_id: int
    start: dt.date
    end: dt.date
    text: str  # title and summary


@dataclass(frozen=True)
class Overlap:
    ref: str
    similarity: Decimal


def likely_overlaps(work: Work, earlier: Iterable[Work], threshold: Decimal) -> list[Overlap]:
    """Earlier awards of the same organisation whose dates overlap and whose text is at least
    `threshold` similar; most similar first."""
    found = [
        Overlap(other.ref, jaccard(work.text, other.text))
        for other in earlier
        if other.organisation_id == work.organisation_id
        and dates_overlap((work.start, work.end), (other.start, other.end))
    ]
    return sorted(
        (o for o in found if o.similarity >= threshold), key=lambda o: (-o.similarity, o.ref)
    )


def check_threshold(value: Decimal) -> Decimal:
    if not Decimal(0) < value <= Decimal(1):
        raise RuleViolation(
            "must be more than 0 and at most 1 (got %(value)s)",
            field="overlap_threshold",
            params={"value": value},
        )
    return value


@dataclass(frozen=True)
class Declaration:
    funder: str
    programme: str
    amount: Decimal
    start: dt.date
    end: dt.date


def check_declaration(declaration: Declaration) -> Declaration:
    """Other public funding for the same work: who funds it, how much, and when."""
    if not declaration.funder.strip():
        raise RuleViolation("name the funder", field="funder")
    if declaration.amount <= 0:
        raise RuleViolation(
            "must be more than zero (got %(amount)s)",
            field="amount",
            params={"amount": declaration.amount},
        )
    if declaration.end < declaration.start:
        raise RuleViolation(
            "the funding cannot end (%(end)s) before it starts (%(start)s)",
            field="end_date",
            params={"end": declaration.end.isoformat(), "start": declaration.start.isoformat()},
        )
    return declaration
