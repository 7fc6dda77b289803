"""API /api/v1/grants: the same role checks as the portal, through aisc.web.accounts.authz.

Objects are looked up in the queryset of what the user may see (grants.queries.visible_*): 404
when it is not there, whether it exists or not; then the action's rule (403 when the user sees
the object but may not act on it), so nobody learns by id what they may not see.
"""

# No `from __future__ import annotations` here: django-ninja resolves annotations at import.

from typing import Any, BinaryIO, cast

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Status, UploadedFile
from ninja.pagination import paginate

from aisc.core.errors import RuleViolation
from aisc.web.accounts import authz
from aisc.web.accounts.models import Organisation, User
from aisc.web.api.rows import fields_of, written_out
from aisc.web.grants import actions, queries
from aisc.web.grants.actions.applications import missing
from aisc.web.grants.api import schemas as s
from aisc.web.grants.models import Application, Award, Call, Report, Review

router = Router(tags=["grants"])


def open_application(user: User, pk: int, action: str = "grants.application.view") -> Application:
    """404 unless the user may see it (queries.visible_applications); then the action's rule."""
    application = queries.visible_application(user, pk)
    authz.require(user, action, application)
    return application


def detail(application: Application) -> dict[str, Any]:
    out = s.ApplicationOut.from_orm(application).model_dump()
    docs = application.documents.all()
    return {
        **out,
        "missing": missing(application),
        "estimate": queries.estimate_for(application),
        "documents": [s.DocumentOut.from_orm(d).model_dump() for d in docs],
    }


@router.get("/calls", response=list[s.CallOut])
@paginate(page_size=50)
def list_calls(request: HttpRequest) -> Any:
    authz.require(authz.acting_user(request), "grants.call.view")
    return Call.objects.exclude(status="draft")


@router.get("/calls/{call_id}", response=s.CallOut)
def get_call(request: HttpRequest, call_id: int) -> Call:
    call = get_object_or_404(Call, pk=call_id)
    authz.require(authz.acting_user(request), "grants.call.view", call)
    return call


@router.post("/calls/{call_id}/close", response=s.CallOut)
def close_call(request: HttpRequest, call_id: int) -> Call:
    call = get_object_or_404(Call, pk=call_id)
    authz.require(authz.acting_user(request), "grants.call.manage", call)
    return actions.do_close_call(acting_user=authz.acting_user(request), call=call)


@router.post("/calls/{call_id}/publish", response=s.CallOut)
def publish_call(request: HttpRequest, call_id: int) -> Call:
    call = get_object_or_404(Call, pk=call_id)
    authz.require(authz.acting_user(request), "grants.call.publish", call)
    return actions.do_publish_results(acting_user=authz.acting_user(request), call=call)


@router.get("/calls/{call_id}/ranking", response=list[s.RankedOut])
def call_ranking(request: HttpRequest, call_id: int) -> list[dict[str, Any]]:
    call = get_object_or_404(Call, pk=call_id)
    authz.require(authz.acting_user(request), "grants.ranking.view", call)
    rows, _left = queries.ranking(call)
    return [
        {
            "rank": r.rank,
            "application_id": r.application.pk,
            "title": r.application.title,
            "score": r.aggregate.mean if r.aggregate else None,
            "spread": r.aggregate.spread if r.aggregate else None,
            "reviews": r.aggregate.count if r.aggregate else 0,
            "cost": r.cost.amount,
            "cumulative": r.cumulative.amount,
            "within_budget": r.within_budget,
        }
        for r in rows
    ]


@router.get("/applications", response=list[s.ApplicationOut])
@written_out(s.ApplicationOut)
@paginate(page_size=50)
def list_applications(request: HttpRequest) -> Any:
    user = authz.acting_user(request)
    authz.require(user, "grants.application.view")
    return queries.visible_applications(user).values(*fields_of(s.ApplicationOut))


@router.post("/applications", response={201: s.ApplicationDetail})
def create_application(request: HttpRequest, body: s.ApplicationIn) -> Status[dict[str, Any]]:
    user = authz.acting_user(request)
    call = get_object_or_404(Call, pk=body.call)
    organisation = get_object_or_404(Organisation, pk=body.organisation)
    authz.require(user, "grants.application.create", organisation)
    fields = body.dict(exclude={"call", "organisation", "title"}, exclude_none=True)
    application = actions.do_create_application(
        acting_user=user, call=call, organisation=organisation, title=body.title, **fields
    )
    return Status(201, detail(application))


@router.get("/applications/{application_id}", response=s.ApplicationDetail)
def get_application(request: HttpRequest, application_id: int) -> dict[str, Any]:
    return detail(open_application(authz.acting_user(request), application_id))


@router.patch("/applications/{application_id}", response=s.ApplicationDetail)
def update_application(
    request: HttpRequest, application_id: int, body: s.ApplicationFields
) -> dict[str, Any]:
    user = authz.acting_user(request)
    application = open_application(user, application_id, "grants.application.edit")
    fields = body.dict(exclude_unset=True)
    actions.do_update_application(acting_user=user, application=application, **fields)
    return detail(application)


@router.post("/applications/{application_id}/submit", response=s.ApplicationDetail)
def submit_application(request: HttpRequest, application_id: int) -> dict[str, Any]:
    user = authz.acting_user(request)
    application = open_application(user, application_id, "grants.application.edit")
    return detail(actions.do_submit_application(acting_user=user, application=application))


@router.post("/applications/{application_id}/withdraw", response=s.ApplicationDetail)
def withdraw_application(request: HttpRequest, application_id: int) -> dict[str, Any]:
    user = authz.acting_user(request)
    application = open_application(user, application_id, "grants.application.edit")
    return detail(actions.do_withdraw_application(acting_user=user, application=application))


@router.post("/applications/{application_id}/documents", response={201: s.DocumentOut})
def upload_document(
    request: HttpRequest,
    application_id: int,
    kind: Form[str],
    file: File[UploadedFile],
) -> Status[Any]:
    user = authz.acting_user(request)
    application = open_application(user, application_id, "grants.application.edit")
    document = actions.do_upload_document(
        acting_user=user,
        application=application,
        kind=kind,
        name=file.name or "upload",
        stream=cast(BinaryIO, file),
        size=file.size or 0,
    )
    return Status(201, document)


@router.post("/applications/{application_id}/screen", response=s.ApplicationDetail)
def screen_application(
    request: HttpRequest, application_id: int, body: s.ScreenIn
) -> dict[str, Any]:
    user = authz.acting_user(request)
    application = open_application(user, application_id, "grants.application.screen")
    actions.do_screen(
        acting_user=user,
        application=application,
        outcome=body.outcome,
        answers=body.answers,
        message=body.message,
    )
    return detail(application)


@router.post("/applications/{application_id}/reviewers", response={201: s.ReviewOut})
def assign_reviewer(request: HttpRequest, application_id: int, body: s.AssignIn) -> Status[Any]:
    user = authz.acting_user(request)
    application = open_application(user, application_id, "grants.review.assign")
    reviewer = get_object_or_404(User, pk=body.reviewer)
    review = actions.do_assign_reviewer(
        acting_user=user, application=application, reviewer=reviewer
    )
    return Status(201, review)


@router.get("/applications/{application_id}/reviews", response=list[s.ReviewOut])
def list_reviews(request: HttpRequest, application_id: int) -> list[Review]:
    user = authz.acting_user(request)
    application = open_application(user, application_id)
    return queries.reviews_visible_to(user, application)


@router.post("/applications/{application_id}/decision", response=s.AwardOut | None)
def decide(request: HttpRequest, application_id: int, body: s.DecisionIn) -> Award | None:
    user = authz.acting_user(request)
    application = open_application(user, application_id, "grants.application.decide")
    members = list(User.objects.filter(pk__in=body.members_present))
    unknown = sorted(set(body.members_present) - {m.pk for m in members})
    if unknown:
        # Dropping it silently would put a wrong list of those present on the record.
        raise RuleViolation(f"no user with id {unknown[0]}", field="members_present")
    given = body.dict(exclude={"members_present"})
    decision = actions.DecisionInput(members_present=members, **given)
    actions.do_decide(acting_user=user, application=application, decision=decision)
    return Award.objects.filter(application=application).first()


@router.get("/reviews/mine", response=list[s.ReviewOut])
def my_reviews(request: HttpRequest) -> Any:
    user = authz.acting_user(request)
    authz.require(user, "grants.review.list")
    return queries.visible_reviews(user).filter(reviewer=user).order_by("-assigned_at")


@router.get("/reviews", response=list[s.ReviewOut])
@paginate(page_size=50)
def list_reviews_visible(request: HttpRequest) -> Any:
    return queries.visible_reviews(authz.acting_user(request)).order_by("pk")


@router.get("/reviews/{review_id}", response=s.ReviewOut)
def get_review(request: HttpRequest, review_id: int) -> Review:
    return queries.one_visible(queries.visible_reviews(authz.acting_user(request)), review_id)


@router.post("/reviews/{review_id}/submit", response=s.ReviewOut)
def submit_review(request: HttpRequest, review_id: int, body: s.ReviewIn) -> Review:
    user = authz.acting_user(request)
    review = queries.one_visible(queries.visible_reviews(user), review_id)
    authz.require(user, "grants.review.submit", review)
    return actions.do_submit_review(
        acting_user=user, review=review, scores=body.scores, comments=body.comments
    )


@router.post("/reviews/{review_id}/conflict", response=s.ReviewOut)
def declare_conflict(request: HttpRequest, review_id: int, body: s.ConflictIn) -> Review:
    user = authz.acting_user(request)
    review = queries.one_visible(queries.conflict_declarable_reviews(user), review_id)
    authz.require(user, "grants.review.declare_conflict", review)
    return actions.do_declare_conflict(acting_user=user, review=review, reason=body.reason)


@router.get("/awards", response=list[s.AwardOut])
@paginate(page_size=50)
def list_awards(request: HttpRequest) -> Any:
    return queries.visible_awards(authz.acting_user(request)).order_by("pk")


@router.get("/awards/{award_id}", response=s.AwardOut)
def get_award(request: HttpRequest, award_id: int) -> Award:
    return queries.one_visible(queries.visible_awards(authz.acting_user(request)), award_id)


@router.get("/reports", response=list[s.ReportOut])
@paginate(page_size=50)
def list_reports(request: HttpRequest) -> Any:
    return queries.visible_reports(authz.acting_user(request)).order_by("pk")


@router.get("/reports/{report_id}", response=s.ReportOut)
def get_report(request: HttpRequest, report_id: int) -> Report:
    return queries.one_visible(queries.visible_reports(authz.acting_user(request)), report_id)


@router.post("/awards/{award_id}/reports", response={201: s.ReportOut})
def submit_report(request: HttpRequest, award_id: int, body: s.ReportIn) -> Status[Any]:
    user = authz.acting_user(request)
    award = queries.one_visible(queries.visible_awards(user), award_id)
    authz.require(user, "grants.report.submit", award)
    report = actions.do_submit_report(acting_user=user, award=award, kind=body.kind, text=body.text)
    return Status(201, report)


@router.post("/reports/{report_id}/accept", response=s.ReportOut)
def accept_report(request: HttpRequest, report_id: int) -> Report:
    report = queries.one_visible(queries.visible_reports(authz.acting_user(request)), report_id)
    authz.require(authz.acting_user(request), "grants.report.decide", report)
    return actions.do_accept_report(acting_user=authz.acting_user(request), report=report)


@router.post("/reports/{report_id}/return", response=s.ReportOut)
def return_report(request: HttpRequest, report_id: int, body: s.ReturnIn) -> Report:
    report = queries.one_visible(queries.visible_reports(authz.acting_user(request)), report_id)
    authz.require(authz.acting_user(request), "grants.report.decide", report)
    return actions.do_return_report(
        acting_user=authz.acting_user(request), report=report, message=body.message
    )


@router.get("/grantees", response=list[dict[str, Any]], auth=None)
def list_grantees(request: HttpRequest) -> list[dict[str, Any]]:
    """Public: only published awards, never rejected, withdrawn or cancelled ones."""
    return queries.grantees()


from aisc.web.grants.api import outcomes, starter  # noqa: E402

router.add_router("/starter", starter.router)
router.add_router("", outcomes.router)
