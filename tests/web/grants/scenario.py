"""A whole grants story for one organisation, driven through the do_* actions; the API tests
and the permission matrix use it as 'another organisation's objects'."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aisc.web.accounts.models import Organisation, User
from aisc.web.grants import actions
from aisc.web.grants.actions import DecisionInput
from aisc.web.grants.models import Application, Award, Call, Report, Review
from tests.fixtures.grants import SCORES, attach, complete_fields


@dataclass
class Story:
    call: Call
    application: Application
    review: Review
    award: Award
    report: Report


def approved(
    call: Call,
    org: Organisation,
    make_user: Callable[..., User],
    title: str = "Secret project",
    gpus: int = 8,
) -> tuple[Application, Review, User]:
    """An application of `org` reviewed and approved in part (the call neither closed nor
    published); returns it, its review and its owner."""
    owner = make_user(org=org, membership="admin")
    secretariat = make_user("secretariat")
    committee = make_user("committee")
    reviewer = make_user("reviewer")
    app = actions.do_create_application(
        acting_user=owner, call=call, organisation=org, title=title, **complete_fields()
    )
    attach(app, owner)
    actions.do_submit_application(acting_user=owner, application=app)
    answers = dict.fromkeys(call.checklist_codes(), True)
    actions.do_screen(acting_user=secretariat, application=app, outcome="pass", answers=answers)
    review = actions.do_assign_reviewer(acting_user=secretariat, application=app, reviewer=reviewer)
    actions.do_submit_review(acting_user=reviewer, review=review, scores=SCORES, comments={})
    actions.do_decide(
        acting_user=committee,
        application=app,
        decision=DecisionInput(
            outcome="approve_in_part", members_present=[committee], gpus=gpus, months=3
        ),
    )
    return app, review, owner


def funded_story(
    call: Call, org: Organisation, make_user: Callable[..., User], title: str = "Secret project"
) -> Story:
    app, review, owner = approved(call, org, make_user, title)
    staff = make_user("secretariat")
    actions.do_close_call(acting_user=staff, call=call)
    actions.do_publish_results(acting_user=staff, call=call)
    award = Award.objects.get(application=app)
    report = actions.do_submit_report(acting_user=owner, award=award, kind="progress", text="M1")
    return Story(call, app, review, award, report)
