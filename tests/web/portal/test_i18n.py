"""Every visible string in a template goes through gettext, and zh-Hant has every message."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.test import Client

import aisc.web

WEB = Path(aisc.web.__file__).parent
TEMPLATES = sorted(p for p in WEB.rglob("templates/**/*.html"))
# The project catalogue plus one per app (each app keeps its own, so apps never share a file).
CATALOGUES = sorted(WEB.rglob("locale/zh_Hant/LC_MESSAGES/django.po"))

# Django tags and comments are removed first; what is left outside markup is visible text. A block
# named `..._id` holds an element id for a base template (list_page.html's table_id), not text.
DJANGO_BLOCKS = re.compile(
    r"{%\s*(blocktranslate|blocktrans)\b.*?{%\s*end(blocktranslate|blocktrans)\s*%}"
    r"|{%\s*block\s+\w+_id\s*%}[\w-]*{%\s*endblock\b[^%]*%}"
    r"|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}|{%.*?%}|{{.*?}}",
    re.DOTALL,
)
TEXT_ATTRS = {"title", "alt", "placeholder", "aria-label", "value"}
LETTERS = re.compile(r"[A-Za-z\u4e00-\u9fff]{2,}")
# Words that stay as they are in both languages (doi: the identifier scheme of a DOI).
ALLOWED = {"aisc", "API", "PFLOPS", "HK$", "GPU", "CSV", "JSON", "PDF", "doi"}


class VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "code", "pre"}:
            self.skip += 1
        # A value is shown only as the label of an input button; elsewhere (a button's or an
        # option's value, a text input's content) it is data the form sends.
        kind = dict(attrs).get("type") or ""
        shown_value = tag == "input" and kind in {"submit", "button", "reset"}
        for name, value in attrs:
            visible = name in TEXT_ATTRS and (name != "value" or shown_value)
            if visible and value and LETTERS.search(value):
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "code", "pre"} and self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        text = data.strip()
        if self.skip or not text:
            return
        words = [w for w in LETTERS.findall(text) if w not in ALLOWED]
        if words:
            self.found.append(text)


def untranslated(template: Path) -> list[str]:
    source = DJANGO_BLOCKS.sub(" ", template.read_text())
    parser = VisibleText()
    parser.feed(source)
    return parser.found


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(WEB)))
def test_every_template_marks_its_visible_text_for_translation(template: Path) -> None:
    assert untranslated(template) == []


def test_the_scanner_catches_bare_text(tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text(
        '{% load i18n %}<h1>Hello there</h1><a title="Go home">{% translate "x" %}</a>'
        '<input type="submit" value="Send"><button value="accept">{% translate "y" %}</button>'
    )
    assert untranslated(bad) == ["Hello there", "<a title='Go home'>", "<input value='Send'>"]


def parse_po(path: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for each entry, joining continued lines."""
    entries: list[tuple[str, str, bool]] = []
    msgid = msgstr = None
    fuzzy = False
    current = None
    for line in [*path.read_text().splitlines(), ""]:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgid "):
            msgid, current = line[6:].strip()[1:-1], "id"
        elif line.startswith("msgid_plural"):
            current = "plural"
        elif line.startswith("msgstr"):
            msgstr, current = line.split(" ", 1)[1].strip()[1:-1], "str"
        elif line.startswith('"') and current == "id" and msgid is not None:
            msgid += line[1:-1]
        elif line.startswith('"') and current == "str" and msgstr is not None:
            msgstr += line[1:-1]
        elif not line.strip():
            if msgid is not None and msgstr is not None:
                entries.append((msgid, msgstr, fuzzy))
            msgid = msgstr = None
            fuzzy = False
            current = None
    return entries


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(WEB)))
def test_every_zh_hant_message_is_translated_and_compiled(po: Path) -> None:
    entries = [e for e in parse_po(po) if e[0]]
    assert entries, "the zh-Hant catalogue is empty"
    missing = [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy]
    assert missing == []
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run scripts/po-fill"
    # Compare contents, not modification times: a fresh clone writes files in any order.
    assert messages(polib.mofile(str(mo))) == messages(polib.pofile(str(po))), (
        f"{mo} is stale: run scripts/po-fill"
    )


def messages(catalogue: polib.POFile | polib.MOFile) -> dict[tuple[str | None, str], object]:
    return {
        (e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural))
        for e in catalogue
        if e.msgid and not e.obsolete
    }


def test_the_home_page_reads_in_english_and_traditional_chinese(client: Client, db: None) -> None:
    english = client.get("/").content.decode()
    assert "AI Supercomputing Centre" in english
    client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/"})
    chinese = client.get("/").content.decode()
    assert "人工智能超算中心" in chinese
    assert 'lang="zh-Hant"' in chinese
