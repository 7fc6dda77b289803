"""Who reads the audit log (page and API) by role, what each row carries of the request that
caused it (request id, client IP), and how the page pages and filters."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.db import transaction
from django.test import Client

from aisc.web.accounts.models import Role, User
from aisc.web.audit.context import RequestFacts, current
from aisc.web.audit.middleware import client_request_id
from aisc.web.audit.models import AuditEvent
from aisc.web.audit.record import record, verify
from tests.fixtures.grants import ROLES

READERS = {Role.AUDITOR, Role.ADMIN}


@pytest.fixture
def person(make_user: Callable[..., User], org: object) -> Callable[[str], User]:
    def make(role: str) -> User:
        return make_user(org=org) if role == "applicant" else make_user(role)

    return make


def write(count: int, verb: str = "thing.touch", object_type: str = "Thing") -> None:
    with transaction.atomic():
        for n in range(count):
            record(None, verb, None, object_type=object_type, object_id=str(n))


@pytest.mark.parametrize("role", ROLES)
def test_only_auditors_and_admins_open_the_audit_page(
    role: str, person: Callable[[str], User], logged_in: Callable[[User], Client]
) -> None:
    write(1)
    response = logged_in(person(role)).get("/audit/")
    if role in READERS:
        assert response.status_code == 200
        assert "thing.touch" in response.content.decode()
    else:
        assert response.status_code == 403
        assert "thing.touch" not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_only_auditors_and_admins_read_the_audit_api(
    role: str, person: Callable[[str], User], api_client: Callable[[User], Client]
) -> None:
    write(1)
    response = api_client(person(role)).get("/api/v1/audit/events")
    if role in READERS:
        assert response.status_code == 200
        # The token issued for this very client is audited too, after the row written above.
        assert [e["verb"] for e in response.json()["items"]][-1] == "thing.touch"
    else:
        assert (response.status_code, response.json()["error"]["code"]) == (403, "forbidden")


def test_an_anonymous_visitor_is_sent_to_log_in_and_the_api_says_401(db: None) -> None:
    page = Client().get("/audit/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/")
    assert Client().get("/api/v1/audit/events").status_code == 401


def test_a_row_carries_the_servers_request_id_and_keeps_the_clients_apart(
    applicant: User, client: Client
) -> None:
    client.force_login(applicant)
    response = client.post(
        "/accounts/tokens/",
        {"name": "laptop", "days": 30},
        HTTP_X_REQUEST_ID="req-42",
        REMOTE_ADDR="203.0.113.9",
    )
    server_id = response["X-Request-ID"]
    assert server_id != "req-42"
    assert len(server_id) == 32
    row = AuditEvent.objects.get(verb="accounts.api_token.create")
    assert (row.request_id, row.client_request_id, row.client_ip, row.actor_label) == (
        server_id,
        "req-42",
        "203.0.113.9",
        "applicant@example.hk",
    )
    assert verify() is None  # the client's id is covered by the row's hash


def test_a_request_without_an_id_gets_a_fresh_one_per_request(client: Client, db: None) -> None:
    first = client.get("/grantees/")["X-Request-ID"]
    second = client.get("/grantees/")["X-Request-ID"]
    assert len(first) == 32
    assert int(first, 16) >= 0  # hex
    assert first != second


@pytest.mark.parametrize(
    ("given", "kept"),
    [("x" * 100, "x" * 64), ("ünïcode", ""), ("a\x00b", ""), ("", ""), ("ok-1", "ok-1")],
)
def test_the_server_always_answers_its_own_id_and_keeps_only_a_printable_client_id(
    given: str, kept: str
) -> None:
    assert client_request_id(given) == kept


def test_a_client_cannot_choose_the_id_the_server_answers(client: Client, db: None) -> None:
    given = "0" * 32
    answered = client.get("/grantees/", HTTP_X_REQUEST_ID=given)["X-Request-ID"]
    assert answered != given
    assert len(answered) == 32


def test_the_request_facts_do_not_leak_into_work_done_after_the_request(
    applicant: User, client: Client
) -> None:
    client.force_login(applicant)
    client.get("/grantees/", HTTP_X_REQUEST_ID="leaky")
    assert current.get() == RequestFacts()
    write(1)
    row = AuditEvent.objects.get(verb="thing.touch")
    assert (row.request_id, row.client_request_id, row.client_ip) == ("", "", None)


def test_the_page_shows_fifty_rows_newest_first_and_pages_keep_the_filters(
    make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    write(60, verb="bulk.write")
    write(3, verb="other.write")
    client = logged_in(make_user("auditor"))
    page = client.get("/audit/", {"verb": "bulk"}).content.decode()
    assert "Page 1 of 2" in page
    assert "other.write" not in page
    assert page.count("<code>bulk.write</code>") == 50
    assert 'href="?verb=bulk&amp;sort=-time&amp;page=2"' in page
    second = client.get("/audit/", {"verb": "bulk", "page": "2"}).content.decode()
    assert second.count("<code>bulk.write</code>") == 10
    assert 'href="?verb=bulk&amp;sort=-time&amp;page=1"' in second
    ids = [e.pk for e in AuditEvent.objects.filter(verb="bulk.write")]
    assert ids == sorted(ids, reverse=True)  # the model's order, which the page uses


def test_the_verb_filter_matches_a_prefix_and_the_type_filter_ignores_case(
    make_user: Callable[..., User], api_client: Callable[[User], Client]
) -> None:
    write(2, verb="grants.call.open", object_type="Call")
    write(1, verb="grants.application.submit", object_type="Application")
    write(1, verb="billing.grants.note", object_type="Note")
    client = api_client(make_user("auditor"))
    by_verb = client.get("/api/v1/audit/events", {"verb": "grants."}).json()
    assert by_verb["count"] == 3
    by_type = client.get("/api/v1/audit/events", {"object_type": "call"}).json()
    assert {e["verb"] for e in by_type["items"]} == {"grants.call.open"}
    assert by_type["count"] == 2


def test_the_api_row_carries_its_chain_hash_and_its_before_and_after(
    make_user: Callable[..., User], api_client: Callable[[User], Client]
) -> None:
    with transaction.atomic():
        event = record(
            None, "x.change", None, object_type="X", object_id="1", before={"a": 1}, after={"a": 2}
        )
    client = api_client(make_user("auditor"))
    (item,) = client.get("/api/v1/audit/events", {"verb": "x."}).json()["items"]
    assert item["hash"] == event.hash
    assert len(item["hash"]) == 64
    assert (item["before"], item["after"], item["actor_label"]) == ({"a": 1}, {"a": 2}, "system")


def test_a_bad_date_on_the_api_is_refused_naming_the_field(
    make_user: Callable[..., User], api_client: Callable[[User], Client]
) -> None:
    response = api_client(make_user("auditor")).get("/api/v1/audit/events", {"until": "soon"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "until"


def test_the_log_sorts_by_time_or_verb_and_sorting_keeps_the_filters(
    make_user: Callable[..., User], logged_in: Callable[[User], Client]
) -> None:
    write(2, verb="b.write")
    write(2, verb="a.write")
    write(1, verb="c.other")
    client = logged_in(make_user("auditor"))
    newest = client.get("/audit/", {"verb": "", "sort": "-time"}).content.decode()
    assert re.findall(r"<code>(\w\.\w+)</code>", newest)[:2] == ["c.other", "a.write"]
    by_verb = client.get("/audit/", {"object_type": "", "sort": "verb"}).content.decode()
    assert re.findall(r"<code>(\w\.\w+)</code>", by_verb)[:3] == ["a.write", "a.write", "b.write"]
    assert 'aria-sort="ascending"><a href="?sort=-verb" class="sort">' in by_verb
    kept = client.get("/audit/", {"verb": "b", "sort": "-verb"}).content.decode()
    assert re.findall(r"<code>(\w\.\w+)</code>", kept) == ["b.write", "b.write"]
    assert 'href="?verb=b&amp;sort=time" class="sort"' in kept
    assert '<input type="hidden" name="sort" value="-verb">' in kept
    assert client.get("/audit/", {"sort": "before"}).status_code == 200
