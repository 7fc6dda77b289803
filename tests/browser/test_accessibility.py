"""The accessibility bar on a walk of the portal: axe-core finds no violation on any page, in
English and in 繁體中文, at desktop and 390 px phone widths; no page is wider than a 390 px
phone; no page asks another host for anything.

axe-core is vendored with the tests (tests/browser/vendor/, provenance in VENDORED.md there) and
evaluated into each page by Playwright: the portal never serves it. Each page is loaded once per
language and checked at both widths by resizing the window.

With AISC_SCREENSHOTS=DIR (`make screenshots` sets docs/screenshots) the main pages are also
photographed into DIR as NAME-LANG-WIDTH.jpg; CI runs the walk without writing them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.browser.conftest import PHONE, new_context, watched

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]
Login = Callable[[Page, str, str], None]

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
DESKTOP = ViewportSize(width=1280, height=800)
WIDTHS = {"desktop": DESKTOP, "phone": ViewportSize(width=PHONE["width"], height=PHONE["height"])}
LANGUAGES = ["en", "zh-hant"]
SHOTS = os.environ.get("AISC_SCREENSHOTS")
# The rules axe runs: WCAG 2.1 A and AA, and its best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def axe_violations(page: Page) -> list[str]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE)
    found: list[dict[str, Any]] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v =>"
        " ({id: v.id, nodes: v.nodes.map(n => n.target.join(' '))})))",
        AXE_TAGS,
    )
    return [f"{v['id']}: {', '.join(v['nodes'][:3])}" for v in found]


class Walk:
    """Visits pages in one browser context: each page once per language, checked at both widths."""

    def __init__(self, page: Page, live_url: str) -> None:
        self.page = page
        self.live_url = live_url
        self.problems: list[str] = []
        self.visited = 0
        self.asked: list[str] = []
        page.on("request", lambda request: self.asked.append(request.url))

    def language(self, code: str) -> None:
        """Chooses the language in the menu, as a person does (htmx posts it, the page reloads)."""
        if self.page.locator("#language-select").input_value() == code:
            return
        with self.page.expect_navigation():
            self.page.locator("#language-select").select_option(code)
        expect(self.page.locator("html")).to_have_attribute(
            "lang", "zh-Hant" if code == "zh-hant" else "en"
        )

    def check(self, path: str, shot: str | None = None) -> None:
        page = self.page
        response = page.goto(self.live_url + path)
        assert response is not None
        assert response.status == 200, f"{path}: {response.status}"
        lang = page.locator("html").get_attribute("lang") or ""
        for width, size in WIDTHS.items():
            page.set_viewport_size(size)
            where = f"{path} [{lang}, {width}]"
            self.problems += [f"{where} {v}" for v in axe_violations(page)]
            if width == "phone":
                wide = page.evaluate("document.documentElement.scrollWidth")
                if wide > PHONE["width"]:
                    self.problems.append(f"{where} is {wide}px wide")
            if shot and SHOTS:
                Path(SHOTS).mkdir(parents=True, exist_ok=True)
                name = f"{shot}-{lang.lower()}-{width}.jpg"
                page.screenshot(path=str(Path(SHOTS) / name), type="jpeg", quality=70)
        page.set_viewport_size(DESKTOP)
        self.visited += 1

    def elsewhere(self) -> list[str]:
        return [
            url
            for url in self.asked
            if not url.startswith(self.live_url) and not url.startswith("data:")
        ]


PUBLIC = [
    ("/", "home"),
    ("/calls/", None),
    ("/calls/c2026b/", "call"),
    ("/catalogue/estimate/", "estimator"),
    ("/catalogue/prices/", None),
    ("/catalogue/chips/", None),
    ("/grantees/", None),
    ("/accounts/login/", None),
    ("/accounts/signup/", None),
]


def applicant_pages(draft_id: int) -> list[tuple[str, str | None]]:
    return [
        ("/dashboard/", "dashboard-applicant"),
        (f"/grants/applications/{draft_id}/edit", "application-form"),
        ("/grants/", None),
        ("/allocations/", None),
        ("/accounts/organisations/", None),
        ("/accounts/profile/", None),
        # A table with a visually hidden header, and one that was not in a scrolling box.
        ("/accounts/tokens/", None),
        ("/grants/starter/", None),
    ]


def staff_pages(application_id: int) -> list[tuple[str, str | None]]:
    return [
        ("/dashboard/", None),
        ("/grants/", "applications"),
        (f"/grants/applications/{application_id}/", "application-review"),
        ("/allocations/", "allocations"),
        ("/billing/statements/", None),
        ("/billing/fund/", None),
        # A table of inputs inside a fieldset (the rubric and checklist).
        ("/grants/calls/new", None),
        ("/audit/", None),
        ("/catalogue/", None),
    ]


def walk_as(
    browser: Browser,
    live_url: str,
    pages: list[tuple[str, str | None]],
    sign_in: Callable[[Page], None] | None = None,
) -> Walk:
    session = watched(new_context(browser, viewport=DESKTOP))
    page = next(session)
    walk = Walk(page, live_url)
    if sign_in is not None:
        sign_in(page)
    for code in LANGUAGES:
        page.goto(live_url + pages[0][0])
        walk.language(code)
        for path, shot in pages:
            walk.check(path, shot)
    next(session, None)  # closes the context; fails on any CSP violation seen on the way
    return walk


def test_every_page_of_the_walk_passes_axe_in_both_languages_at_both_widths(
    browser: Browser, live_url: str, demo_centre: dict[str, Any], login: Login
) -> None:
    """The public pages, an applicant's and the staff's (an admin sees every staff page), one
    demo centre loaded once for the three."""
    applicant, admin = demo_centre["applicant"], demo_centre["admin"]
    walks = {
        "public": (PUBLIC, None),
        "applicant": (
            applicant_pages(demo_centre["draft"]),
            lambda page: login(page, *applicant),
        ),
        "staff": (staff_pages(demo_centre["reviewed"]), lambda page: login(page, *admin)),
    }
    for who, (pages, sign_in) in walks.items():
        walk = walk_as(browser, live_url, pages, sign_in)
        assert walk.problems == [], f"{who}:\n" + "\n".join(walk.problems)
        assert walk.elsewhere() == [], who
        assert walk.visited == len(LANGUAGES) * len(pages), who


def test_axe_does_find_a_violation_when_there_is_one(page: Page, live_url: str) -> None:
    """The check can fail: an image without a text alternative is reported."""
    page.goto(f"{live_url}/accounts/login/")
    page.evaluate(
        "() => { const img = document.createElement('img'); img.src = 'data:,';"
        " document.querySelector('main').appendChild(img); }"
    )
    assert any(re.match(r"image-alt: ", v) for v in axe_violations(page))
