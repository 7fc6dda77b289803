"""Read models shared by the portal and the API: the estimate beside a request, aggregates,
the committee's ranked list, what a reviewer may see, and the public grantee list."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Exists, Field, Model, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.text import capfirst

from aisc.core.errors import AiscError
from aisc.core.estimate import EstimateInput, Workload, estimate
from aisc.core.grants import rubric
from aisc.core.grants.ranking import Candidate, rank
from aisc.core.grants.workflow import AwardStatus, CallStatus, ReviewStatus
from aisc.core.units import Money
from aisc.web.accounts.models import Membership, Role, User
from aisc.web.grants.actions.applications import request_cost
from aisc.web.grants.actions.decisions import committed
from aisc.web.grants.models import Application, Award, Call, Kpi, Output, Report, Review
from aisc.web.i18n import explain

T = TypeVar("T", bound=Model)
# The estimator's inputs by the application's fields that feed them, so a refusal is named by
# the label the applicant sees on the form.
ESTIMATE_SOURCES = {
    "params": "parameters",
    "active_params": "active_parameters",
    "epochs": "epochs",
    "seq_len": "seq_len",
    "chip": "chip",
    "request_gpus": "gpus",
    "request_months": "months",
}
RANKED_STATES = ("in_review", "deferred", "approved", "approved_in_part")


def estimate_for(application: Application) -> dict[str, Any] | None:
    """The estimator's JSON for the application as it stands, or None while it lacks inputs."""
    a = application
    tokens = a.tokens_served if a.workload == Workload.INFERENCE else a.training_tokens
    if not (a.parameters and tokens and a.chip and a.workload):
        return None
    try:
        given = EstimateInput(
            params=a.parameters,
            tokens=tokens,
            chip=a.chip,
            precision=a.precision or "bf16",
            workload=Workload(a.workload),
            active_params=a.active_parameters,
            epochs=a.epochs or 1.0,
            seq_len=a.seq_len,
            request_gpus=a.gpus if a.gpus and a.months else None,
            request_months=float(a.months) if a.gpus and a.months else None,
        )
        return estimate(given).as_dict()
    except AiscError as exc:
        source = ESTIMATE_SOURCES.get(exc.field or "")
        if exc.field == "tokens":
            source = "tokens_served" if a.workload == Workload.INFERENCE else "training_tokens"
        label = None if source is None else field_label(source)
        message = explain(exc, label)
        return {"error": {"message": message, "field": exc.field, "label": label}}


def field_label(name: str) -> str:
    """An application field's label as the form shows it (its verbose name, capitalised)."""
    field = Application._meta.get_field(name)
    assert isinstance(field, Field)  # the sources are plain columns, never relations
    return str(capfirst(field.verbose_name))


def aggregate_of(application: Application) -> rubric.Aggregate | None:
    totals = [
        r.total
        for r in application.reviews.filter(status=ReviewStatus.SUBMITTED)
        if r.total is not None
    ]
    return rubric.aggregate(totals)


@dataclass(frozen=True)
class RankedRow:
    application: Application
    rank: int
    aggregate: rubric.Aggregate | None
    cost: Money
    cumulative: Money
    within_budget: bool


def ranking(call: Call) -> tuple[list[RankedRow], Money]:
    """Applications by aggregate score against what the call has left; returns (rows, left)."""
    apps = {
        a.pk: a
        for a in call.applications.filter(status__in=RANKED_STATES).select_related("call__scheme")
    }
    aggregates = {pk: aggregate_of(a) for pk, a in apps.items()}
    candidates = [
        Candidate(pk, agg.mean if agg else None, _cost(apps[pk])) for pk, agg in aggregates.items()
    ]
    left = Money(call.budget) - committed(call)
    # Funded ones already hold their money; rank the rest against what is left.
    undecided = [c for c in candidates if apps[c.key].status in ("in_review", "deferred")]
    rows = [
        RankedRow(apps[r.key], r.rank, aggregates[r.key], r.cost, r.cumulative, r.within_budget)
        for r in rank(undecided, left)
    ]
    return rows, left


def _cost(application: Application) -> Money:
    award = Award.objects.filter(application=application).first()
    if award is not None:
        return Money(award.committed_amount)
    return request_cost(application)


APPLICATION_READERS = (Role.ADMIN, Role.AUDITOR, Role.SECRETARIAT, Role.COMMITTEE)


def visible_applications(user: User) -> QuerySet[Application]:
    """THE rule for who sees an application; every list, detail, count and export asks it.

    - members of the applicant organisation: its applications in every state;
    - admins, auditors, the secretariat and the committee: every application but others' drafts;
    - a reviewer: the applications assigned to them whose review is not conflicted and where
      no conflict of interest stands (grants.conflicts: accepted memberships, declared ties).
    Anyone else sees nothing. Detail pages are membership in this queryset (`visible_application`).
    """
    from aisc.web.grants.conflicts import conflict_of

    qs = Application.objects.select_related("call", "organisation")
    mine = Exists(Membership.objects.filter(organisation=OuterRef("organisation"), user=user))
    if user.has_role(*APPLICATION_READERS):
        return qs.filter(~Q(status="draft") | mine)
    open_review = Review.objects.filter(application=OuterRef("pk"), reviewer=user).exclude(
        status=ReviewStatus.CONFLICTED
    )
    assigned = qs.filter(Exists(open_review)).exclude(status="draft")
    free = [a.pk for a in assigned if conflict_of(user, a) is None]
    return qs.filter(mine | Q(pk__in=free))


AWARD_READERS = (Role.SECRETARIAT, Role.COMMITTEE, Role.FINANCE, Role.OPERATOR)


def visible_awards(user: User) -> QuerySet[Award]:
    """THE rule for who sees an award and what it used: the staff who run the scheme, its
    money and its cluster (auditors and admins too) see every award; anyone else, the awards
    of their organisations. The award page, the usage page and its charts ask it."""
    awards = Award.objects.select_related("organisation")
    if user.has_role(*AWARD_READERS, Role.AUDITOR, Role.ADMIN):
        return awards
    mine = Membership.objects.filter(user=user).values("organisation_id")
    return awards.filter(organisation_id__in=mine)


def visible_reports(user: User) -> QuerySet[Report]:
    """THE rule for who sees a progress or final report: whoever sees its award."""
    return Report.objects.select_related("award").filter(award__in=visible_awards(user))


def visible_outputs(user: User) -> QuerySet[Output]:
    """THE rule for who sees an award's outputs (the award page, the API): whoever sees the
    award. The public sees published awards' outputs through the impact page instead."""
    return Output.objects.select_related("award", "report").filter(award__in=visible_awards(user))


def visible_kpis(user: User) -> QuerySet[Kpi]:
    """THE rule for who sees an award's KPIs and the values reported against them: whoever
    sees the award."""
    return Kpi.objects.select_related("award").filter(award__in=visible_awards(user))


def visible_reviews(user: User) -> QuerySet[Review]:
    """THE rule for who sees a review; only reviews of applications the user sees at all:
    the scheme's readers every one; a reviewer their own, and the others' submitted ones once
    their own is submitted. An applicant never sees a review, nor does a conflicted reviewer."""
    reviews = Review.objects.select_related("reviewer").filter(
        application__in=visible_applications(user)
    )
    if user.has_role(*APPLICATION_READERS):
        return reviews
    done = Review.objects.filter(
        application=OuterRef("application"), reviewer=user, status=ReviewStatus.SUBMITTED
    )
    return reviews.filter(Q(reviewer=user) | Q(Exists(done), status=ReviewStatus.SUBMITTED))


def one_visible(visible: QuerySet[T], pk: int) -> T:
    """The object of `visible` with this id, else 404: never a 403 that says it exists."""
    found = visible.filter(pk=pk).first()
    if found is None:
        raise Http404(f"no such {visible.model._meta.verbose_name}")
    return found


def conflict_declarable_reviews(user: User) -> QuerySet[Review]:
    """The reviews on which this user may declare or record a conflict: a reviewer their own
    assignments, including those a computed conflict hides the application of (declaring must
    not need the access the conflict removes); the secretariat every review it sees. Nothing
    else about a hidden application is shown through it."""
    own = Review.objects.filter(reviewer=user)
    if user.has_role(Role.SECRETARIAT, Role.ADMIN):
        return (own | visible_reviews(user)).distinct()
    return own


def visible_application(user: User, pk: int) -> Application:
    return one_visible(visible_applications(user), pk)


def reviews_visible_to(user: User, application: Application) -> list[Review]:
    """The application's reviews by visible_reviews, in the order they were assigned."""
    return list(visible_reviews(user).filter(application=application).order_by("id"))


GRANTEE_COLUMNS = (
    "project_code",
    "organisation_en",
    "organisation_zh",
    "title_en",
    "title_zh",
    "chip",
    "gpu_hours",
    "start_date",
    "end_date",
    "subsidy_percent",
    "subsidy_cap_hkd",
)


def published_awards() -> QuerySet[Award]:
    """The one rule of what is public: published awards only, never a rejected, withdrawn or
    cancelled one (the grantee list and the impact page both read it)."""
    return (
        Award.objects.filter(
            status__in=(AwardStatus.ACTIVE, AwardStatus.COMPLETED),
            published_at__isnull=False,
            application__call__status=CallStatus.PUBLISHED,
            application__status__in=("approved", "approved_in_part"),
        )
        .select_related("organisation", "application")
        .order_by("project_code")
    )


def grantees() -> list[dict[str, Any]]:
    """The public list of grantees."""
    return [grantee_row(a) for a in published_awards()]


def grantee_row(award: Award) -> dict[str, Any]:
    app = award.application
    return {
        "project_code": award.project_code,
        "organisation_en": award.organisation.name_en,
        "organisation_zh": award.organisation.name_zh or award.organisation.name_en,
        "title_en": app.title,
        "title_zh": app.title_zh or app.title,
        "chip": award.chip,
        "gpu_hours": str(award.gpu_hours),
        "start_date": award.start_date.isoformat(),
        "end_date": award.end_date.isoformat(),
        "subsidy_percent": str((award.subsidy_rate * 100).quantize(Decimal(1))),
        "subsidy_cap_hkd": str(award.subsidy_cap),
    }
