"""Every grants portal URL × every role × another organisation's objects: no leak.

The URLs come from aisc.web.grants.urls itself, so a new page without a row in PAGES fails here.
"""

from __future__ import annotations

import io
import re

import pytest
from django.db import transaction
from django.test import Client

from aisc.adapters.files import default_store
from aisc.web.accounts.models import Role
from aisc.web.grants import actions, urls
from aisc.web.grants.models import FundingDeclaration
from tests.fixtures.grants import ROLES

from .scenario import Story

STAFF_VIEW = frozenset({Role.SECRETARIAT, Role.COMMITTEE, Role.AUDITOR, Role.ADMIN})
ADMIN = frozenset({Role.ADMIN})
EVERYONE = frozenset(ROLES)
# url name -> (method, roles entitled to it on ANY organisation's object).
PAGES: dict[str, tuple[str, frozenset[str]]] = {
    "home": ("get", EVERYONE),
    "new_call": ("get", frozenset({Role.SECRETARIAT, Role.ADMIN})),
    "call_criteria": ("post", frozenset({Role.SECRETARIAT, Role.ADMIN})),
    "schemes": ("get", STAFF_VIEW),
    "new_scheme": ("post", frozenset({Role.SECRETARIAT, Role.ADMIN})),
    "edit_scheme": ("post", frozenset({Role.SECRETARIAT, Role.ADMIN})),
    "related_groups": ("get", frozenset({Role.SECRETARIAT, Role.ADMIN})),
    # A call belongs to no organisation: any applicant may start one for their own.
    "start": ("post", frozenset({"applicant", Role.ADMIN})),
    "ranking": ("get", STAFF_VIEW),
    "close": ("post", frozenset({Role.SECRETARIAT, Role.ADMIN})),
    "publish": ("post", frozenset({Role.COMMITTEE, Role.ADMIN})),
    "application": ("get", STAFF_VIEW),
    "edit": ("get", ADMIN),
    "upload": ("post", ADMIN),
    "submit": ("post", ADMIN),
    "withdraw": ("post", ADMIN),
    # Documents are read by whoever sees the application; changed only by its organisation.
    "document": ("get", STAFF_VIEW),
    "replace_document": ("post", ADMIN),
    "delete_document": ("post", ADMIN),
    "screen": ("post", frozenset({Role.SECRETARIAT, Role.ADMIN})),
    "assign": ("post", frozenset({Role.SECRETARIAT, Role.ADMIN})),
    "decide": ("post", frozenset({Role.COMMITTEE, Role.ADMIN})),
    "review": ("post", ADMIN),
    "award": ("get", STAFF_VIEW | {Role.FINANCE, Role.OPERATOR}),
    "decide_report": ("post", frozenset({Role.SECRETARIAT, Role.ADMIN})),
    "accept_report": ("get", frozenset({Role.SECRETARIAT, Role.ADMIN})),
    "cancel_award": ("get", frozenset({Role.SECRETARIAT, Role.ADMIN})),
    "waive_final_report": ("post", frozenset({Role.SECRETARIAT, Role.ADMIN})),
    # A conflict is declared by the assigned reviewer (none of these users) or recorded by the
    # secretariat.
    "declare_conflict": ("get", frozenset({Role.SECRETARIAT, Role.ADMIN})),
    # Funding is declared by the application's organisation, checked by the secretariat.
    "declare_funding": ("post", ADMIN),
    "check_declaration": ("post", frozenset({Role.SECRETARIAT, Role.ADMIN})),
    "check_overlap": ("post", frozenset({Role.SECRETARIAT, Role.ADMIN})),
    # Starter grants: the form is for members of an organisation; the story's application is
    # not a starter request, so its status page answers 404 to everyone.
    "starter": ("get", frozenset({"applicant", Role.ADMIN})),
    "starter_status": ("get", frozenset()),
    # Programmes are set by the secretariat (the API's POST /starter/programmes too).
    "starter_programmes": ("get", frozenset({Role.SECRETARIAT, Role.ADMIN})),
    # Outcomes: the award's organisation declares outputs, imports publications, reports KPI
    # values and answers the survey; the secretariat or the committee agrees KPIs.
    "new_output": ("get", ADMIN),
    "edit_output": ("get", ADMIN),
    "withdraw_output": ("get", ADMIN),
    "import_publications": ("get", ADMIN),
    "report_kpi": ("get", ADMIN),
    "answer_survey": ("get", ADMIN),
    "agree_kpi": ("get", frozenset({Role.SECRETARIAT, Role.COMMITTEE, Role.ADMIN})),
    "grantees": ("get", EVERYONE),
    "front": ("get", EVERYONE),
    "calls": ("get", EVERYONE),
    "call": ("get", EVERYONE),
    "grantees_csv": ("get", EVERYONE),
    "grantees_json": ("get", EVERYONE),
    # Lists answer everyone, each from its visibility queryset (the matrix tests check the rows).
    "awards": ("get", EVERYONE),
    "impact": ("get", EVERYONE),
    "impact_csv": ("get", EVERYONE),
    "impact_json": ("get", EVERYONE),
}


def page_urls() -> list[tuple[str, str]]:
    return sorted((p.name or "", str(p.pattern)) for p in urls.urlpatterns)


def url_for(pattern: str, story: Story) -> str:
    ids = {
        "call_id": story.call.pk,
        "scheme_id": story.call.scheme_id,
        "application_id": story.application.pk,
        "review_id": story.review.pk,
        "award_id": story.award.pk,
        "report_id": story.report.pk,
        "document_id": story.application.documents.get().pk,
        "declaration_id": story.application.funding_declarations.get().pk,
        "output_id": story.report.outputs.get().pk,
    }
    path = re.sub(r"<int:(\w+)>", lambda m: str(ids[m.group(1)]), pattern)
    return "/" + path.replace("<slug:code>", story.call.code)


@pytest.fixture(autouse=True)
def stored_document(story: Story) -> None:
    """The story's document row gets a file in the store, so that a download has one to send."""
    document = story.application.documents.get()
    document.key = default_store().save(document.name, io.BytesIO(b"%PDF-1.7"), "application/pdf")
    document.save(update_fields=["key"])


@pytest.fixture(autouse=True)
def declared_funding(story: Story) -> None:
    """The story's application declares other funding, so its check has a declaration to name."""
    FundingDeclaration.objects.create(
        application=story.application,
        funder="ITC",
        amount=1,
        start_date=story.award.start_date,
        end_date=story.award.end_date,
    )


@pytest.fixture(autouse=True)
def declared_output(story: Story) -> None:
    """The story's report declares an output, so that its edit and withdrawal have one."""
    actions.do_add_output(
        acting_user=story.report.submitted_by, award=story.award, report=story.report,
        kind="product", title="Secret project chat",
    )  # fmt: skip


def test_every_page_has_a_rule() -> None:
    assert {name for name, _ in page_urls()} == set(PAGES)


@pytest.mark.parametrize(("name", "pattern"), page_urls())
def test_no_role_reaches_another_organisations_page_without_a_rule(
    name: str, pattern: str, story: Story, clients: dict[str, Client]
) -> None:
    method, allowed = PAGES[name]
    url = url_for(pattern, story)
    for role, client in clients.items():
        sid = transaction.savepoint()
        response = getattr(client, method)(url, {})
        transaction.savepoint_rollback(sid)
        if role in allowed:
            assert response.status_code not in {401, 403, 404}, (role, response.status_code)
        else:
            assert response.status_code in {403, 404}, (role, response.status_code)
            assert "Secret project" not in response.content.decode()


def test_anonymous_visitors_see_only_the_public_list(story: Story) -> None:
    visitor = Client()
    assert visitor.get("/grantees/").status_code == 200
    for name in ("application", "award", "ranking", "home"):
        pattern = next(p for n, p in page_urls() if n == name)
        response = visitor.get(url_for(pattern, story))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
