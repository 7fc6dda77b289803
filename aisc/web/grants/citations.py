"""A publications file as uploaded (at most 2 MB of UTF-8 text), and BibTeX read with
bibtexparser (v2, LaTeX accents decoded) into the field dictionaries that
aisc.core.grants.citations checks; CSL-JSON needs no parser beyond the standard library's."""

from __future__ import annotations

from bibtexparser.entrypoint import parse_string
from bibtexparser.middlewares import LatexDecodingMiddleware
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_noop

from aisc.core.errors import RuleViolation
from aisc.core.grants import citations
from aisc.core.grants.outputs import Output

FORMATS = ("bibtex", "csl-json")
MAX_FILE_BYTES = 2 * 1024 * 1024


def uploaded_text(file: UploadedFile[bytes]) -> str:
    """The file's text, for the portal's form and the API alike; a byte-order mark is dropped
    (editors on Windows write one). Larger or not UTF-8: refused, naming the field `file`."""
    if (file.size or 0) > MAX_FILE_BYTES:
        raise RuleViolation(gettext_noop("at most 2 MB"), field="file")
    data: bytes = file.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RuleViolation(gettext_noop("not a text file in UTF-8"), field="file") from None


def bibtex_entries(text: str) -> list[dict[str, str]]:
    """Every entry's fields (keys as written), its citation key as `label`; a block that cannot
    be read refuses the whole file, naming its line."""
    library = parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    if library.failed_blocks:
        raise RuleViolation(
            gettext_noop("not BibTeX: the entry starting on line %(line)s cannot be read"),
            field="file",
            params={"line": (library.failed_blocks[0].start_line or 0) + 1},
        )
    return [
        {"label": entry.key, **{f.key: str(f.value) for f in entry.fields}}
        for entry in library.entries
    ]


def read_publications(fmt: str, text: str) -> list[Output]:
    if fmt == "bibtex":
        return citations.publications(bibtex_entries(text))
    if fmt == "csl-json":
        return citations.from_csl_json(text)
    raise RuleViolation(
        gettext_noop("must be one of %(allowed)s, not %(fmt)s"),
        field="format",
        params={"allowed": ", ".join(FORMATS), "fmt": f"{fmt!r}"},
    )
