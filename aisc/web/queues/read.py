"""Work queues per role: what waits for the user, each item linking to the page where it is done.

Every count and list starts from the queryset that decides what the user may open
(`visible_applications`, `visible_statements`, `allocations.pages.visible_to`), so a queue never
offers what its page would refuse. A section shows when the role or membership gives it; a
section without work says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from aisc.core.allocations.lifecycle import RequestStatus
from aisc.core.billing import settlement
from aisc.core.grants import obligations
from aisc.core.grants.workflow import (
    ApplicationStatus,
    AwardStatus,
    CallStatus,
    ReportStatus,
    ReviewStatus,
)
from aisc.web.accounts.models import Role, User
from aisc.web.accounts.registration import to_verify
from aisc.web.allocations.models import ChangeRequest, RequestKind, SyncStatus
from aisc.web.allocations.pages import visible_to as visible_allocations
from aisc.web.billing import receivables
from aisc.web.billing.ledger import reports as ledger_reports
from aisc.web.billing.models import BillingPeriod, PeriodState
from aisc.web.billing.views import visible_statements
from aisc.web.cluster.models import EmbeddedJob, JobState
from aisc.web.grants.actions.obligations import obligation_of
from aisc.web.grants.choices import ReportKind
from aisc.web.grants.conflicts import hidden_assignments, reviewers_to_replace, undeclared_conflicts
from aisc.web.grants.models import Award, Call, Review
from aisc.web.grants.queries import (
    ranking,
    visible_applications,
    visible_awards,
    visible_reports,
)
from aisc.web.grants.starter_outcome import outcome, starter_requests
from aisc.web.outbox.health import dead_letter_count

SHOWN = 10  # items per section; the rest is counted and reached through the section's page
FINAL_REPORT_NOTICE = dt.timedelta(days=30)  # the final report shows as due this long before end
STARTER_NOTICE = dt.timedelta(days=30)  # a starter grant's decision shows this long


@dataclass(frozen=True)
class Item:
    text: str
    url: str
    detail: str = ""


@dataclass
class Queue:
    key: str
    title: str
    items: list[Item] = field(default_factory=list)
    total: int = 0  # items waiting, of which at most SHOWN are listed

    def add(self, item: Item) -> None:
        self.total += 1
        if len(self.items) < SHOWN:
            self.items.append(item)

    @property
    def more(self) -> int:
        return self.total - len(self.items)


def _date(day: dt.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _member_awards(user: User) -> QuerySet[Award]:
    """Awards of the user's organisations whose application the user may open."""
    mine = visible_applications(user).filter(organisation__memberships__user=user)
    return (
        visible_awards(user)
        .filter(application__in=mine)
        .select_related("application__call__scheme")
    )


def applicant_queue(user: User, today: dt.date) -> Queue:
    queue = Queue("applicant", _("Your organisations' applications and awards"))
    mine = visible_applications(user).filter(organisation__memberships__user=user)
    for status, text in (
        (ApplicationStatus.DRAFT, _("Draft to finish: %(title)s")),
        (ApplicationStatus.RETURNED, _("Returned for changes: %(title)s")),
    ):
        # Only what can be shown is read; the rest is counted.
        waiting = mine.filter(status=status)
        for pk, title in waiting.order_by("-updated_at").values_list("pk", "title")[:SHOWN]:
            queue.add(Item(text % {"title": title}, reverse("grants:edit", args=[pk])))
        queue.total += max(0, waiting.count() - SHOWN)
    recent = timezone.now() - STARTER_NOTICE
    for app in starter_requests(user).filter(submitted_at__gte=recent):
        url = reverse("grants:starter_status", args=[app.pk])
        if app.status == ApplicationStatus.APPROVED:
            text = _("Starter grant approved: %(title)s") % {"title": app.title}
        else:
            text = _("Starter grant refused: %(title)s") % {"title": app.title}
        queue.add(Item(text, url, outcome(app).message))
    awards = _member_awards(user).filter(status__in=[AwardStatus.APPROVED, AwardStatus.ACTIVE])
    # Reports and tranches come with the awards: reports_due reads them for each one.
    for award in awards.order_by("start_date").prefetch_related("reports", "tranches"):
        url = reverse("grants:award", args=[award.pk])
        text = _("Award %(code)s: runs %(start)s to %(end)s") % {
            "code": award.project_code,
            "start": _date(award.start_date),
            "end": _date(award.end_date),
        }
        queue.add(Item(text, url))
        for due in reports_due(award, today):
            queue.add(Item(due, url))
    statements = (
        visible_statements(user)
        .filter(organisation__memberships__user=user, due_cents__gt=0)
        .order_by("-period__month", "project_code")
    )
    for st in statements[:SHOWN]:
        text = _("Statement %(month)s, %(code)s: HK$%(due)s to pay") % {
            "month": st.period.month,
            "code": st.project_code,
            "due": number_format(st.due, 2, force_grouping=True),
        }
        queue.add(Item(text, reverse("billing:statement", args=[st.pk])))
    return queue


def reports_due(award: Award, today: dt.date) -> list[str]:
    """What the grantee owes on an active award: a returned report to revise, a progress report
    while a tranche waits on one, the final report from a month before the end."""
    if award.status != AwardStatus.ACTIVE:
        return []
    reports = list(award.reports.all())
    due = []
    for kind, label in ReportKind.choices:
        states = {r.status for r in reports if r.kind == kind}
        if ReportStatus.RETURNED in states:
            due.append(_("%(report)s returned for changes") % {"report": label})
        elif states & {ReportStatus.SUBMITTED, ReportStatus.ACCEPTED}:
            continue
        elif kind == ReportKind.PROGRESS and any(
            t.released_at is None and t.release_on is None for t in award.tranches.all()
        ):
            due.append(_("%(report)s due to release the next tranche") % {"report": label})
        elif kind == ReportKind.FINAL and award.end_date - FINAL_REPORT_NOTICE <= today:
            by = obligation_of(award).due
            due.append(_("%(report)s due by %(date)s") % {"report": label, "date": _date(by)})
    return due


def review_due(review: Review) -> dt.date:
    return review.assigned_at.date() + dt.timedelta(days=settings.AISC_REVIEW_DAYS)


def reviewer_queue(user: User, today: dt.date) -> Queue:
    queue = Queue("reviewer", _("Reviews assigned to you"))
    reviews = (
        Review.objects.filter(
            reviewer=user,
            status=ReviewStatus.ASSIGNED,
            application__in=visible_applications(user),
        )
        .select_related("application")
        .order_by("assigned_at")
    )
    for review in reviews:
        due = review_due(review)
        detail = (_("overdue since %(date)s") if due < today else _("due by %(date)s")) % {
            "date": _date(due)
        }
        url = reverse("grants:application", args=[review.application_id])
        queue.add(Item(_("Review: %(title)s") % {"title": review.application.title}, url, detail))
    # No title: the conflict hides the application; declaring it is all that is left to do.
    for review in hidden_assignments(user):
        url = reverse("grants:declare_conflict", args=[review.pk])
        text = _("Assignment no. %(n)s: a conflict of interest hides the application") % {
            "n": review.pk
        }
        queue.add(Item(text, url, _("declare the conflict")))
    return queue


UNDECIDED = (ApplicationStatus.IN_REVIEW, ApplicationStatus.DEFERRED)


def committee_queue(user: User, today: dt.date) -> Queue:
    """Per call with undecided applications: the call's ranking, each row to its decision."""
    queue = Queue("committee", _("Applications to decide"))
    undecided = visible_applications(user).filter(status__in=UNDECIDED)
    calls = Call.objects.filter(
        status__in=[CallStatus.OPEN, CallStatus.CLOSED], applications__in=undecided
    ).distinct()
    for call in calls.order_by("closes_on"):
        rows, _left = ranking(call)
        queue.add(
            Item(
                _("Ranking of %(call)s") % {"call": call.code},
                reverse("grants:ranking", args=[call.pk]),
                _("%(n)s to decide") % {"n": len(rows)},
            )
        )
        for row in rows:
            score = number_format(row.aggregate.mean, 2) if row.aggregate else _("no reviews yet")
            text = _("#%(rank)s %(title)s") % {"rank": row.rank, "title": row.application.title}
            detail = _("score %(score)s, %(fit)s") % {
                "score": score,
                "fit": _("within the budget") if row.within_budget else _("over the budget"),
            }
            queue.add(Item(text, reverse("grants:application", args=[row.application.pk]), detail))
    return queue


def secretariat_queue(user: User, today: dt.date) -> Queue:
    queue = Queue("secretariat", _("Screening, reviewers, reports and organisations"))
    for org in to_verify():
        url = reverse("accounts:verify_organisation", args=[org.pk])
        text = _("Organisation to verify: %(name)s") % {"name": org.name_en}
        queue.add(
            Item(
                text,
                url,
                _("registered %(date)s") % {"date": _date(timezone.localdate(org.created_at))},
            )
        )
    apps = visible_applications(user)
    for app in apps.filter(status=ApplicationStatus.SUBMITTED).order_by("submitted_at"):
        url = reverse("grants:application", args=[app.pk])
        queue.add(Item(_("To screen: %(title)s") % {"title": app.title}, url))
    unassigned = list(
        apps.filter(status=ApplicationStatus.IN_REVIEW)
        .annotate(n=Count("reviews", filter=~Q(reviews__status=ReviewStatus.CONFLICTED)))
        .filter(n=0)
        .order_by("submitted_at")
    )
    for app in unassigned:
        url = reverse("grants:application", args=[app.pk])
        queue.add(Item(_("Reviewers to assign: %(title)s") % {"title": app.title}, url))
    for app in (
        reviewers_to_replace(apps)
        .exclude(pk__in=[a.pk for a in unassigned])
        .order_by("submitted_at")
    ):
        url = reverse("grants:application", args=[app.pk])
        text = _("Reviewer to replace after a declared conflict: %(title)s") % {"title": app.title}
        queue.add(Item(text, url))
    for review in undeclared_conflicts(apps):
        url = reverse("grants:declare_conflict", args=[review.pk])
        text = _("Conflict of interest found after assignment: %(reviewer)s on %(title)s") % {
            "reviewer": review.reviewer,
            "title": review.application.title,
        }
        queue.add(Item(text, url, _("record the conflict")))
    waiting = visible_reports(user).filter(
        status=ReportStatus.SUBMITTED, award__application__in=apps
    )
    for report in waiting.order_by("submitted_at"):
        url = reverse("grants:award", args=[report.award_id])
        text = _("Report to decide: %(code)s, %(report)s") % {
            "code": report.award.project_code,
            "report": report.get_kind_display(),
        }
        queue.add(Item(text, url))
    exchanges = ChangeRequest.objects.filter(
        kind=RequestKind.EXCHANGE,
        status=RequestStatus.PENDING,
        allocation__award__isnull=False,
        allocation__in=visible_allocations(user),
    ).select_related("allocation")
    for change in exchanges.order_by("requested_at"):
        url = reverse("allocations:detail", args=[change.allocation.project_code])
        text = _("Chip exchange to decide: %(code)s") % {"code": change.allocation.project_code}
        detail = _("%(hours)s GPU-hours from %(chip)s to %(to_chip)s") % {
            "hours": number_format(change.gpu_hours or 0, 2, force_grouping=True),
            "chip": change.chip,
            "to_chip": change.to_chip,
        }
        queue.add(Item(text, url, detail))
    # Overdue by the obligations rule: past the scheme's (or call's) delay after the end, with
    # no final report handed in and no waiver.
    ended = (
        visible_awards(user)
        .filter(status=AwardStatus.ACTIVE, end_date__lt=today, application__in=apps)
        .prefetch_related("reports")
    )
    owed = {
        award.project_code: award for award in ended.select_related("application__call__scheme")
    }
    for late in obligations.overdue([obligation_of(a) for a in owed.values()], today):
        award = owed[late.project_code]
        text = _("Final report overdue: %(code)s") % {"code": award.project_code}
        detail = _("overdue since %(date)s") % {"date": _date(late.due)}
        queue.add(Item(text, reverse("grants:award", args=[award.pk]), detail))
    return queue


def operator_queue(user: User, today: dt.date) -> Queue:
    queue = Queue("operator", _("Slurm, outbox and cluster"))
    drift = visible_allocations(user).filter(sync_status=SyncStatus.DRIFT)
    for allocation in drift:
        url = reverse("allocations:detail", args=[allocation.project_code])
        text = _("Differs from Slurm: %(code)s") % {"code": allocation.project_code}
        queue.add(Item(text, url, allocation.sync_message))
    dead = dead_letter_count()
    if dead:
        text = _("Messages that failed and wait for you: %(n)s") % {"n": dead}
        queue.add(Item(text, reverse("outbox:overview")))
    pending = EmbeddedJob.objects.filter(state=JobState.PENDING).count()
    if pending:
        text = _("Jobs waiting on the embedded cluster: %(n)s") % {"n": pending}
        queue.add(Item(text, reverse("cluster:overview")))
    return queue


def finance_queue(user: User, today: dt.date) -> Queue:
    queue = Queue("finance", _("Billing periods and receivables"))
    this_month = today.strftime("%Y-%m")
    periods = BillingPeriod.objects.filter(state=PeriodState.OPEN, month__lt=this_month)
    for period in periods.order_by("month"):
        text = _("Billing period to close: %(month)s") % {"month": period.month}
        queue.add(Item(text, reverse("billing:periods")))
    owing = [r for r in ledger_reports.receivables() if r.amount > 0]
    if owing:
        text = _("Receivables outstanding: %(n)s") % {"n": len(owing)}
        total = number_format(sum(r.amount for r in owing), 2, force_grouping=True)
        queue.add(Item(text, reverse("billing:receivables"), f"HK${total}"))
    late = [d for d in receivables.documents(today) if d.bucket != settlement.BUCKETS[0][1]]
    if late:
        text = _("Bills unpaid for more than 30 days: %(n)s") % {"n": len(late)}
        total = number_format(sum(d.outstanding for d in late), 2, force_grouping=True)
        queue.add(Item(text, reverse("billing:receivables"), f"HK${total}"))
    return queue


def queues_for(user: User, today: dt.date) -> list[Queue]:
    """The sections the user's memberships and roles give, in the order of the grant's life."""
    queues = []
    if user.memberships.exists():
        queues.append(applicant_queue(user, today))
    by_role = [
        (Role.REVIEWER, reviewer_queue),
        (Role.COMMITTEE, committee_queue),
        (Role.SECRETARIAT, secretariat_queue),
        (Role.OPERATOR, operator_queue),
        (Role.FINANCE, finance_queue),
    ]
    for role, read in by_role:
        if user.has_role(role):
            queues.append(read(user, today))
    return queues
