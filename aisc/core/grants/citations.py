"""Publications imported from a reference manager's export: CSL-JSON (the JSON that Zotero,
Mendeley and citeproc write: a list of items with `title`, `DOI`, `URL`) or BibTeX entries (parsed
at the edge into field dictionaries). Every entry becomes a checked publication, or the whole
import is refused naming the entry, its field and the rule, so nothing is saved half-way."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from aisc.core.errors import RuleViolation
from aisc.core.grants.outputs import Output, OutputKind, check_output

MAX_ENTRIES = 500


def _refuse(number: int, label: str, exc: RuleViolation) -> RuleViolation:
    return RuleViolation(
        "entry %(number)s (%(label)s): %(field)s: %(reason)s",
        field="file",
        params={"number": number, "label": label, "field": exc.field, "reason": exc.message},
    )


def publications(entries: Iterable[Mapping[str, object]]) -> list[Output]:
    """Each entry's title, DOI and URL (any case of the field names), checked as a publication;
    `label` (a citation key or id), when present, names the entry in a refusal."""
    found: list[Output] = []
    for number, entry in enumerate(entries, start=1):
        fields = {str(k).lower(): v for k, v in entry.items()}
        label = str(fields.get("label") or fields.get("id") or "no key")
        if number > MAX_ENTRIES:
            raise RuleViolation(
                "at most %(max_entries)s entries per import",
                field="file",
                params={"max_entries": MAX_ENTRIES},
            )
        try:
            found.append(
                check_output(
                    OutputKind.PUBLICATION.value,
                    _text(fields.get("title")),
                    doi=_text(fields.get("doi")),
                    url=_text(fields.get("url")),
                )
            )
        except RuleViolation as exc:
            raise _refuse(number, label, exc) from None
    if not found:
        raise RuleViolation("the file holds no entries", field="file")
    return found


def _text(value: object) -> str:
    """CSL-JSON allows a title as a string; anything else (a list, a number) is no title."""
    return value if isinstance(value, str) else ""


def from_csl_json(text: str) -> list[Output]:
    """A CSL-JSON export: a list of items (or one item) of objects."""
    try:
        data = json.loads(text)
    except ValueError:
        raise RuleViolation("not CSL-JSON: the file is not valid JSON", field="file") from None
    items = [data] if isinstance(data, dict) else data
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise RuleViolation("not CSL-JSON: expected a list of items (objects)", field="file")
    return publications(items)
