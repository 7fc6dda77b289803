"""Awards, reports and reviews are seen by one rule each (queries.visible_awards,
visible_reports, visible_reviews): for every role and every state of each kind, the portal
page, the portal list it appears in, the API list and the API detail agree, and what may not be
seen answers 404 everywhere, never a 403 that says it exists."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db.models import Model
from django.test import Client

from aisc.web.accounts.models import Organisation, Role, User
from aisc.web.grants import actions
from aisc.web.grants.models import Award, Call, Report, Review
from tests.fixtures.grants import SCORES, attach, complete_fields

from .scenario import approved

pytestmark = pytest.mark.django_db


@dataclass
class World:
    people: dict[str, User]
    objects: dict[str, Model]


@pytest.fixture
def world(
    call: Call, make_org: Callable[..., Organisation], make_user: Callable[..., User]
) -> World:
    harbour, kowloon = make_org(name_en="Harbour Lab"), make_org(name_en="Kowloon Lab")
    staff = make_user(Role.SECRETARIAT)
    funded_app, funded_review, owner = approved(call, harbour, make_user, title="Harbour")
    other_app, other_review, other_owner = approved(
        call, kowloon, make_user, title="Kowloon", gpus=4
    )
    actions.do_close_call(acting_user=staff, call=call)
    actions.do_publish_results(acting_user=make_user(Role.COMMITTEE), call=call)
    award, other_award = (Award.objects.get(application=a) for a in (funded_app, other_app))
    report = actions.do_submit_report
    # The final report first: an overdue one would bar the organisation's next application.
    reports = {
        "progress report": report(acting_user=owner, award=award, kind="progress", text="P1"),
        "final report": report(acting_user=owner, award=award, kind="final", text="F1"),
        "report of another organisation": report(
            acting_user=other_owner, award=other_award, kind="progress", text="K1"
        ),
    }
    # An application still in review (in a second call), with a reviewer in each position.
    second = actions.do_open_call(
        acting_user=None,
        call=actions.do_create_call(
            acting_user=None,
            scheme=call.scheme,
            code="c2026b",
            title_en="2026 second call",
            opens_on=call.opens_on,
            closes_on=call.closes_on,
            period_start=call.period_start,
            period_end=call.period_end,
            budget=call.budget,
        ),
    )
    in_review = actions.do_create_application(
        acting_user=owner, call=second, organisation=harbour, title="In review", **complete_fields()
    )
    attach(in_review, owner)
    actions.do_submit_application(acting_user=owner, application=in_review)
    answers = dict.fromkeys(second.checklist_codes(), True)
    actions.do_screen(acting_user=staff, application=in_review, outcome="pass", answers=answers)
    people = {
        "applicant of the organisation": owner,
        "applicant of another organisation": other_owner,
        "reviewer, assigned": make_user(Role.REVIEWER),
        "reviewer, submitted": make_user(Role.REVIEWER),
        "reviewer, declared conflict": make_user(Role.REVIEWER),
        "reviewer, not assigned": make_user(Role.REVIEWER),
        "reviewer of the funded application": funded_review.reviewer,
        **{role: make_user(role) for role in Role.ALL if role != Role.REVIEWER},
    }
    reviews = {}
    for who, colleague in [
        ("reviewer, assigned", None),
        ("reviewer, submitted", None),
        ("reviewer, declared conflict", None),
        (None, make_user(Role.REVIEWER)),
    ]:
        reviewer = people[who] if who else colleague
        assert reviewer is not None
        reviews[who or "colleague"] = actions.do_assign_reviewer(
            acting_user=staff, application=in_review, reviewer=reviewer
        )
    for who in ("reviewer, submitted", "colleague"):
        actions.do_submit_review(
            acting_user=reviews[who].reviewer, review=reviews[who], scores=SCORES, comments={}
        )
    actions.do_declare_conflict(
        acting_user=people["reviewer, declared conflict"],
        review=reviews["reviewer, declared conflict"],
        reason="My former student",
    )
    objects: dict[str, Model] = {
        "award of the organisation": award,
        "award of another organisation": other_award,
        **reports,
        "review, open": reviews["reviewer, assigned"],
        "review, submitted": reviews["reviewer, submitted"],
        "review, a colleague's submitted": reviews["colleague"],
        "review, conflicted": reviews["reviewer, declared conflict"],
        "review of another organisation": other_review,
    }
    return World(people, objects)


AWARD_STAFF = {Role.SECRETARIAT, Role.COMMITTEE, Role.FINANCE, Role.OPERATOR}
REVIEW_STAFF = {Role.SECRETARIAT, Role.COMMITTEE}
ALL_SEEING = {Role.AUDITOR, Role.ADMIN}


def expected(who: str, what: str) -> bool:
    if who in ALL_SEEING:
        return True
    if what.startswith(("award", "progress", "final", "report")):
        if who in AWARD_STAFF:
            return True
        # Each applicant sees their own organisation's, and not the other's.
        return who.startswith("applicant") and ("another" in who) == ("another" in what)
    if who in REVIEW_STAFF:
        return True
    # A reviewer sees their own review, and colleagues' submitted ones once theirs is in.
    return (who, what) in {
        ("reviewer, assigned", "review, open"),
        ("reviewer, submitted", "review, submitted"),
        ("reviewer, submitted", "review, a colleague's submitted"),
    }


def api_ids(client: Client, url: str) -> set[int]:
    answer = client.get(url + "?page_size=100")
    assert answer.status_code == 200, (url, answer.status_code)
    return {item["id"] for item in answer.json()["items"]}


def seen(client: Client, obj: Model) -> dict[str, bool]:
    """Whether each place shows the object; a hidden one must be a 404 (never 403)."""
    if isinstance(obj, Award):
        page = client.get(f"/grants/awards/{obj.pk}/")
        listed = client.get("/grants/awards/").content.decode()
        places = {
            "portal list": f'href="/grants/awards/{obj.pk}/"' in listed,
            "portal page": page.status_code == 200,
        }
        kind, codes = "awards", [page.status_code]
    elif isinstance(obj, Report):
        award_page = client.get(f"/grants/awards/{obj.award_id}/").content.decode()
        confirm = client.get(f"/grants/reports/{obj.pk}/accept")
        places = {
            "portal list (its award's page)": f'id="report-{obj.pk}"' in award_page,
            "portal page (accept, 403 when seen)": confirm.status_code != 404,
        }
        kind, codes = "reports", [confirm.status_code]
    else:
        assert isinstance(obj, Review)
        app_page = client.get(f"/grants/applications/{obj.application_id}/").content.decode()
        posted = client.post(f"/grants/reviews/{obj.pk}", {})  # empty: refused, never recorded
        places = {
            "portal list (its application's page)": f'id="review-{obj.pk}"' in app_page,
            "portal form (refused when seen)": posted.status_code != 404,
        }
        kind, codes = "reviews", [posted.status_code]
    detail = client.get(f"/api/v1/grants/{kind}/{obj.pk}")
    places["api list"] = obj.pk in api_ids(client, f"/api/v1/grants/{kind}")
    places["api detail"] = detail.status_code == 200
    codes.append(detail.status_code)
    if not any(places.values()):
        places["every refusal a 404"] = set(codes) != {404}
    return places


KINDS = ["award", "report", "review"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_role_sees_each_state_alike_in_the_portal_the_api_list_and_the_api_detail(
    world: World, kind: str
) -> None:
    wrong = []
    for who, user in world.people.items():
        client = Client()
        client.force_login(user)
        for what, obj in world.objects.items():
            if kind not in what:
                continue
            answers = seen(client, obj)
            want = expected(who, what)
            if set(answers.values()) != {want}:
                wrong.append(f"{who} / {what}: expected {want}, got {answers}")
    assert wrong == []


def test_an_application_page_links_its_award_only_for_those_who_may_open_the_award(
    world: World,
) -> None:
    award = world.objects["award of the organisation"]
    assert isinstance(award, Award)
    linked = {}
    for who, user in world.people.items():
        client = Client()
        client.force_login(user)
        page = client.get(f"/grants/applications/{award.application_id}/").content.decode()
        linked[who] = f'href="/grants/awards/{award.pk}/"' in page
    # The funded application's reviewer opens the application, never the award.
    assert {who for who, shown in linked.items() if shown} == {
        "applicant of the organisation",
        Role.SECRETARIAT,
        Role.COMMITTEE,
        Role.AUDITOR,
        Role.ADMIN,
    }
