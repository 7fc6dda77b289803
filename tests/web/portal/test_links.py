"""No dead links: on the demo centre, the public and each demo login follow every link of the
portal pages they are shown (one page of each kind: `/grants/applications/7/` stands for every
application), and each link opens, or sends a visitor to log in. A link that answers 403 is a
page the role was offered but may not open; a 404 or 500 is broken."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, deque
from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from aisc.web.accounts.models import User
from aisc.web.demo import DemoReport

MOMENT = dt.datetime(2026, 12, 5, 7, 30, tzinfo=dt.UTC)
# Files, exports and the API answer their own formats; logging out ends the walk; the admin
# site is Django's own.
NOT_PAGES = re.compile(
    r"^/(static/|accounts/logout|i18n/|api/|admin/)|/documents/\d+|\.(csv|pdf|json|svg)$"
    r"|format=(csv|json|pdf)"
)
ASKED_PER_KIND = 3
LOGINS = (
    "applicant@aisc.demo",
    "reviewer@aisc.demo",
    "committee@aisc.demo",
    "secretariat@aisc.demo",
    "operator@aisc.demo",
    "finance@aisc.demo",
    "auditor@aisc.demo",
    "admin@aisc.demo",
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def links_of(page: str, html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        parts = urlsplit(urljoin(f"http://testserver{page}", href))
        if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def kind_of(path: str) -> str:
    """Pages that differ only in ids or in a query are one kind."""
    return re.sub(r"\d+", "N", urlsplit(path).path)


def walk(client: Client) -> dict[str, tuple[int, str]]:
    """The links of one page of each kind the client is shown, each kind asked at most
    ASKED_PER_KIND times (some pages plan the centre on the simulator).
    Returns {link: (status, the page it was found on)}."""
    answers: dict[str, tuple[int, str]] = {}
    kinds: set[str] = set()
    asked: Counter[str] = Counter()
    queue: deque[tuple[str, str]] = deque([("/", "")])
    while queue:
        path, source = queue.popleft()
        if path in answers or NOT_PAGES.search(path) or asked[kind_of(path)] >= ASKED_PER_KIND:
            continue
        asked[kind_of(path)] += 1
        response = client.get(path)
        answers[path] = (response.status_code, source)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        if kind_of(path) in kinds:
            continue
        kinds.add(kind_of(path))
        queue.extend((link, path) for link in links_of(path, response.content.decode()))
    return answers


def signed_in(email: str) -> Client:
    client = Client()
    user = User.objects.get(email=email)
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def broken(answers: dict[str, tuple[int, str]]) -> list[str]:
    return [
        f"{path} answers {status} (linked from {source})"
        for path, (status, source) in answers.items()
        if status not in (200, 302)
    ]


def test_every_link_each_role_is_shown_opens(
    monkeypatch: pytest.MonkeyPatch, demo_loader: Callable[[], DemoReport]
) -> None:
    monkeypatch.setattr(timezone, "now", lambda: MOMENT)
    demo_loader()
    found = {"public": broken(walk(Client()))}
    for email in LOGINS:
        found[email] = broken(walk(signed_in(email)))
    assert {who: dead for who, dead in found.items() if dead} == {}


def test_the_walk_reports_a_link_that_refuses_the_role(make_user: Callable[..., User]) -> None:
    # The staff page is linked from nowhere an applicant sees: asked directly, it is refused,
    # and broken() names it with the page that linked to it.
    client = Client()
    client.force_login(make_user())
    answers = {"/accounts/staff/": (client.get("/accounts/staff/").status_code, "/")}
    assert broken(answers) == ["/accounts/staff/ answers 403 (linked from /)"]


def test_links_keep_only_this_hosts_pages_with_their_query() -> None:
    html = (
        '<a href="/calls/?page=2">next</a> <a href="https://example.org/">away</a>'
        ' <a href="mailto:x@example.hk">mail</a> <a href="c2026a/">call</a>'
    )
    assert links_of("/calls/", html) == ["/calls/?page=2", "/calls/c2026a/"]


def test_pages_that_differ_only_in_ids_are_one_kind() -> None:
    assert kind_of("/grants/applications/7/?sort=title") == kind_of("/grants/applications/12/")
