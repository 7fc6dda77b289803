"""The one rule for the NUL character (U+0000) in text that enters aisc: it is refused, naming
where it was. PostgreSQL can neither store nor compare text holding it, so a value with one
would end in a 500 at the first lookup or save; no form field, API field, query parameter or
sacct field has a use for it.

The edges apply it where text enters: portal forms through Django's own check (every CharField
and ModelChoiceField runs `ProhibitNullCharactersValidator`, whose message aisc.web.i18n.nul_rule
takes as the rule's wording, so a refusal reads the same in a form, the API and a query string),
the JSON API's bodies (aisc.web.api.parser), every request's path and query string
(aisc.web.portal.request_guard) and the lines `aisc usage ingest` reads. A command-line option
cannot hold it: the strings the kernel passes a program end at the first NUL.
"""

from __future__ import annotations

NUL = "\x00"


def nul_in(value: object, field: str | None = None) -> tuple[bool, str | None]:
    """(found, the name of the innermost mapping key above it) for the first NUL anywhere in
    `value`: text, a key, or nested mappings and lists (a JSON body, a query's lists)."""
    if isinstance(value, str):
        return NUL in value, field
    if isinstance(value, dict):
        for key, item in value.items():
            if NUL in str(key):
                return True, field
            found, where = nul_in(item, str(key))
            if found:
                return True, where
    if isinstance(value, list | tuple):
        for item in value:
            found, where = nul_in(item, field)
            if found:
                return True, where
    return False, None


def without_nul(text: str) -> str:
    """The text as typed, less the NUL: what a refusal offers back, so nothing else is lost."""
    return text.replace(NUL, "")
