"""The public grantee page is rendered once per version of the list (aisc.web.grants.grantee_page):
never stale after an action changes the list, each language its own, nothing personal kept, and
a kept page costs one query. Runs on SQLite and on PostgreSQL (AISC_DATABASE_URL)."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.messages import INFO
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from aisc.web.accounts.actions import do_create_api_token
from aisc.web.accounts.models import Organisation, User
from aisc.web.grants import actions, grantee_page
from aisc.web.grants.models import Award, Call, GranteeListVersion

from .scenario import approved

pytestmark = pytest.mark.django_db


def page(client: Client, path: str = "/grantees/") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def codes(html: str) -> list[str]:
    return re.findall(r'data-code="([^"]+)"', html)


def token_in(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_published_results_show_on_the_next_request_after_the_empty_page_was_kept(
    call: Call,
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
    client: Client,
) -> None:
    application, _, _ = approved(call, make_org(name_en="Peak Lab"), make_user)
    assert "No grantees published yet." in page(client)
    assert "No grantees published yet." in page(client)  # the kept page
    staff = make_user("secretariat")
    actions.do_close_call(acting_user=staff, call=call)
    actions.do_publish_results(acting_user=staff, call=call)
    code = Award.objects.get(application=application).project_code
    assert codes(page(client)) == [code]
    client.cookies["django_language"] = "zh-hant"
    assert codes(page(client)) == [code]


def test_a_kept_page_costs_one_query_and_a_changed_list_is_read_again(
    call: Call,
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
    client: Client,
    django_assert_num_queries: Any,
) -> None:
    page(client)
    with django_assert_num_queries(1):  # the version
        page(client)
    approved(call, make_org(name_en="Peak Lab"), make_user)
    with django_assert_num_queries(2):  # the version, then the list
        page(client)


def test_only_changes_to_what_the_list_shows_change_its_version(
    call: Call, make_user: Callable[..., User], secretariat: User
) -> None:
    before = grantee_page.version()
    do_create_api_token(acting_user=secretariat, name="a script", days=2)
    assert grantee_page.version() == before
    actions.do_close_call(acting_user=secretariat, call=call)
    after = grantee_page.version()
    assert after != before
    assert re.fullmatch(r"[0-9a-f]{16}", after)


def stored() -> str:
    return GranteeListVersion.objects.get(pk=1).version


def version_writes(queries: CaptureQueriesContext) -> int:
    table = GranteeListVersion._meta.db_table
    return sum(q["sql"].startswith(f'UPDATE "{table}"') for q in queries.captured_queries)


def test_publishing_a_call_of_several_awards_writes_the_version_once(
    call: Call,
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
    secretariat: User,
    client: Client,
) -> None:
    for name in ("Peak Lab", "Harbour Lab", "Kowloon Lab"):
        approved(call, make_org(name_en=name), make_user, gpus=4)
    actions.do_close_call(acting_user=secretariat, call=call)
    assert codes(page(client)) == []
    with CaptureQueriesContext(connection) as queries:
        actions.do_publish_results(acting_user=secretariat, call=call)
    assert version_writes(queries) == 1  # four audit rows: the call and three awards
    assert len(codes(page(client))) == 3


def test_a_second_action_after_a_request_read_the_version_writes_a_new_one(
    call: Call, secretariat: User
) -> None:
    actions.do_close_call(acting_user=secretariat, call=call)
    seen = grantee_page.version()
    with CaptureQueriesContext(connection) as queries:
        actions.do_publish_results(acting_user=secretariat, call=call)
    assert version_writes(queries) == 1
    assert grantee_page.version() != seen


@pytest.mark.django_db(transaction=True)
def test_each_committed_transaction_writes_its_own_version_and_a_rolled_back_one_none(
    call: Call, secretariat: User
) -> None:
    """Real commits (the other tests run inside one transaction that is never committed)."""
    first = stored()
    actions.do_close_call(acting_user=secretariat, call=call)
    second = stored()
    assert second != first
    seen_inside = []

    def publish_then_fail() -> None:
        with transaction.atomic():
            actions.do_publish_results(acting_user=secretariat, call=call)
            seen_inside.append(stored())
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        publish_then_fail()
    [inside] = seen_inside
    assert inside != second
    assert stored() == second
    call.refresh_from_db()
    actions.do_publish_results(acting_user=secretariat, call=call)
    assert stored() not in {first, second}


def test_every_on_commit_callback_in_aisc_is_robust() -> None:
    """Django stops a commit's callbacks at the first that raises; the version's mark is
    spent by one, so none may raise."""
    package = Path(grantee_page.__file__).resolve().parents[2]
    calls = [
        (
            path.relative_to(package),
            node.lineno,
            {k.arg: getattr(k.value, "value", None) for k in node.keywords},
        )
        for path in package.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "on_commit"
    ]
    assert len(calls) >= 3
    assert [(path, line) for path, line, words in calls if words.get("robust") is not True] == []


def test_a_version_is_written_again_when_a_flush_emptied_its_table(
    call: Call, secretariat: User
) -> None:
    GranteeListVersion.objects.all().delete()
    assert grantee_page.version() == ""
    actions.do_close_call(acting_user=secretariat, call=call)
    assert re.fullmatch(r"[0-9a-f]{16}", grantee_page.version())


def test_a_signed_in_visitors_name_is_never_in_the_page_kept_for_visitors(
    make_user: Callable[..., User], client: Client
) -> None:
    member = make_user(email="someone@example.hk")
    signed_in = Client()
    signed_in.force_login(member)
    assert "someone@example.hk" in page(signed_in)
    assert "someone@example.hk" not in page(client)
    assert "someone@example.hk" in page(signed_in)
    assert "Log in" in page(client)


def test_each_visitor_gets_a_token_of_their_own_that_the_language_form_accepts(
    db: None,
) -> None:
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    token = token_in(page(first))
    assert grantee_page.TOKEN_PLACEHOLDER not in page(first)
    assert first.cookies["csrftoken"].value != ""
    assert token_in(page(second)) != token
    form = {"language": "zh-hant", "next": "/grantees/", "csrfmiddlewaretoken": token}
    answer = first.post("/i18n/setlang/", form)
    assert answer.status_code == 302
    assert '<html lang="zh-Hant">' in page(first)


def test_a_page_with_a_query_string_or_waiting_messages_is_rendered_whole(
    db: None, client: Client
) -> None:
    assert 'value="/grantees/?sort=code"' in page(client, "/grantees/?sort=code")
    assert 'value="/grantees/"' in page(client)
    storage = CookieStorage(RequestFactory().get("/"))
    sent = [Message(INFO, "Your application was sent.")]
    client.cookies["messages"] = storage._encode(sent)  # type: ignore[attr-defined]
    assert "Your application was sent." in page(client)
    assert "Your application was sent." not in page(client)  # shown once, as on any page
