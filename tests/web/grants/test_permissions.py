"""Every grants API endpoint × every role × another organisation's object: no leak.

The endpoints come from the ninja API itself, so a new endpoint without a row in RULES fails
here until someone decides who may use it.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from aisc.web.accounts.models import Role, User
from aisc.web.grants import actions
from tests.fixtures.grants import SCORES
from tests.web.api_matrix import endpoints_under, url_with

from .scenario import Story

VIEWERS = frozenset({Role.SECRETARIAT, Role.COMMITTEE, Role.AUDITOR, Role.ADMIN})
ADMIN = frozenset({Role.ADMIN})
# (method, path) -> roles entitled to act on ANY organisation's object ("list" = filtered list,
# "public" = no organisation's object behind it).
RULES: dict[tuple[str, str], frozenset[str] | str] = {
    ("get", "/calls"): "public",
    ("get", "/calls/{call_id}"): "public",
    ("post", "/calls/{call_id}/close"): frozenset({Role.SECRETARIAT, Role.ADMIN}),
    ("post", "/calls/{call_id}/publish"): frozenset({Role.COMMITTEE, Role.ADMIN}),
    ("get", "/calls/{call_id}/ranking"): VIEWERS,
    ("get", "/applications"): "list",
    ("post", "/applications"): ADMIN,
    ("get", "/applications/{application_id}"): VIEWERS,
    ("patch", "/applications/{application_id}"): ADMIN,
    ("post", "/applications/{application_id}/submit"): ADMIN,
    ("post", "/applications/{application_id}/withdraw"): ADMIN,
    ("post", "/applications/{application_id}/documents"): ADMIN,
    ("post", "/applications/{application_id}/screen"): frozenset({Role.SECRETARIAT, Role.ADMIN}),
    ("post", "/applications/{application_id}/reviewers"): frozenset({Role.SECRETARIAT, Role.ADMIN}),
    ("get", "/applications/{application_id}/reviews"): VIEWERS,
    ("post", "/applications/{application_id}/decision"): frozenset({Role.COMMITTEE, Role.ADMIN}),
    ("get", "/reviews/mine"): "list",
    ("post", "/reviews/{review_id}/submit"): ADMIN,
    # The reviewer on their own assignment, or the secretariat recording a conflict others found.
    ("post", "/reviews/{review_id}/conflict"): frozenset({Role.SECRETARIAT, Role.ADMIN}),
    ("get", "/reviews"): "list",
    ("get", "/reviews/{review_id}"): VIEWERS,
    ("get", "/awards"): "list",
    ("get", "/awards/{award_id}"): VIEWERS | {Role.FINANCE, Role.OPERATOR},
    ("get", "/reports"): "list",
    ("get", "/reports/{report_id}"): VIEWERS | {Role.FINANCE, Role.OPERATOR},
    ("post", "/awards/{award_id}/reports"): ADMIN,
    ("post", "/reports/{report_id}/accept"): frozenset({Role.SECRETARIAT, Role.ADMIN}),
    ("post", "/reports/{report_id}/return"): frozenset({Role.SECRETARIAT, Role.ADMIN}),
    ("get", "/grantees"): "public",
    # Outcomes: read by whoever sees the award; declared, imported, reported and answered by its
    # organisation; KPIs agreed by the secretariat or the committee.
    ("get", "/awards/{award_id}/outputs"): VIEWERS | {Role.FINANCE, Role.OPERATOR},
    ("post", "/awards/{award_id}/outputs"): ADMIN,
    ("put", "/outputs/{output_id}"): ADMIN,
    ("delete", "/outputs/{output_id}"): ADMIN,
    ("post", "/awards/{award_id}/outputs/import"): ADMIN,
    ("get", "/awards/{award_id}/kpis"): VIEWERS | {Role.FINANCE, Role.OPERATOR},
    ("post", "/awards/{award_id}/kpis"): frozenset({Role.SECRETARIAT, Role.COMMITTEE, Role.ADMIN}),
    ("put", "/reports/{report_id}/kpis/{kpi_id}"): ADMIN,
    ("get", "/awards/{award_id}/survey"): VIEWERS | {Role.FINANCE, Role.OPERATOR},
    ("put", "/awards/{award_id}/survey"): ADMIN,
    # Starter grants: open programmes are public; the secretariat sets one; an organisation asks
    # for itself only (the story's organisation is another one), and reads what it asked.
    ("get", "/starter/programmes"): "public",
    ("post", "/starter/programmes"): frozenset({Role.SECRETARIAT, Role.ADMIN}),
    ("post", "/starter/requests"): ADMIN,
    ("get", "/starter/requests/{application_id}"): VIEWERS,
}
PREFIX = "/api/v1/grants"


def grants_endpoints() -> list[tuple[str, str]]:
    return endpoints_under(PREFIX)


def body_for(method: str, path: str, story: Story, members: list[int]) -> dict[str, Any]:
    """A body that passes validation, so the answer comes from the permission check."""
    bodies: dict[str, dict[str, Any]] = {
        "/applications": {
            "call": story.call.pk,
            "organisation": story.application.organisation_id,
            "title": "x",
        },
        "/applications/{application_id}": {"title": "hijacked"},
        "/applications/{application_id}/screen": {"outcome": "pass", "answers": {}},
        "/applications/{application_id}/reviewers": {"reviewer": members[0]},
        "/applications/{application_id}/decision": {
            "outcome": "reject",
            "members_present": members,
        },
        "/reviews/{review_id}/submit": {"scores": SCORES},
        "/reviews/{review_id}/conflict": {"reason": "x"},
        "/awards/{award_id}/reports": {"kind": "progress", "text": "x"},
        "/reports/{report_id}/return": {"message": "x"},
        "/awards/{award_id}/outputs": {"kind": "product", "title": "x"},
        "/outputs/{output_id}": {"title": "x"},
        "/awards/{award_id}/kpis": {"name": "Users", "target": "10", "unit": "users"},
        "/reports/{report_id}/kpis/{kpi_id}": {"value": "5"},
        "/awards/{award_id}/survey": {"revenue": "1", "users": "1", "jobs": "1"},
        "/starter/programmes": {
            "call": story.call.code,
            "chips": ["h800"],
            "gpu_hours": "500",
            "months": 3,
            "per_org_per_year": 1,
            "subsidy_rate": "0.70",
        },
        "/starter/requests": {
            "programme": story.call.code,
            "organisation": story.application.organisation_id,
            "chip": "h800",
            "title": "x",
        },
    }
    return bodies.get(path, {})


def url_for(path: str, story: Story) -> str:
    ids = {
        "call_id": story.call.pk,
        "application_id": story.application.pk,
        "review_id": story.review.pk,
        "award_id": story.award.pk,
        "report_id": story.report.pk,
        "output_id": story.report.outputs.get().pk,
        "kpi_id": story.award.kpis.get().pk,
    }
    return url_with(PREFIX, path, ids)


def call_endpoint(client: Client, method: str, path: str, story: Story, members: list[int]) -> Any:
    url = url_for(path, story)
    if path.endswith("/documents"):
        upload = io.BytesIO(b"%PDF-1.7 x")
        upload.name = "x.pdf"
        return client.post(url, {"kind": "other", "file": upload})
    if path.endswith("/import"):
        bib = io.BytesIO(b"@article{k, title={x}, doi={10.1038/n1}}")
        bib.name = "x.bib"
        return client.post(url, {"format": "bibtex", "file": bib})
    body = body_for(method, path, story, members)
    return getattr(client, method)(url, body, content_type="application/json")


@pytest.fixture(autouse=True)
def outcomes(story: Story, make_user: Callable[..., User]) -> None:
    """The story's award has a KPI and its report an output, for the endpoints that name them."""
    actions.do_add_output(
        acting_user=story.report.submitted_by, award=story.award, report=story.report,
        kind="product", title="Secret project chat",
    )  # fmt: skip
    actions.do_agree_kpi(
        acting_user=make_user("secretariat"), award=story.award, name="Users", target="9",
        unit="users",
    )  # fmt: skip


def test_every_endpoint_has_a_rule() -> None:
    assert set(grants_endpoints()) == set(RULES)


@pytest.mark.parametrize(("method", "path"), grants_endpoints())
def test_no_role_reaches_another_organisations_object_without_a_rule(
    method: str, path: str, story: Story, clients: dict[str, Client], make_user: Callable[..., User]
) -> None:
    assert (method, path) in RULES, f"no permission rule for {method.upper()} {path}"
    rule = RULES[(method, path)]
    members = [make_user("committee").pk]
    for role, client in clients.items():
        sid = transaction.savepoint()
        response = call_endpoint(client, method, path, story, members)
        transaction.savepoint_rollback(sid)
        body = response.content.decode()
        if rule == "public":
            assert response.status_code == 200, role
        elif rule == "list":
            assert response.status_code in {200, 403}, role
            if role not in VIEWERS:
                assert "Secret project" not in body, f"{role} sees another organisation's project"
        elif role in rule:
            assert response.status_code not in {401, 403}, f"{role}: {response.status_code} {body}"
        else:
            assert response.status_code in {403, 404}, f"{role}: {response.status_code} {body}"
            assert "Secret project" not in body
