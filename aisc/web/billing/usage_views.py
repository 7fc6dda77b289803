"""The grantee's usage page for one award: its jobs, use by member, GPU-hours per day by chip
against the released budget, the projected exhaustion date and its jobs' waits, with charts and
the tables they are drawn from. Who sees it: grants.queries.visible_awards, the one rule."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext_lazy

from aisc.web.allocations.models import Allocation
from aisc.web.billing.award_usage import award_usage, job_of
from aisc.web.billing.credit_status import credit_row, thresholds, written_off
from aisc.web.billing.models import UsageRecord
from aisc.web.billing.usage_charts import budget_svg, waits_svg
from aisc.web.grants.queries import visible_awards
from aisc.web.grants.views.page import user_of
from aisc.web.lists import ListSpec, Search

# The project's jobs: the award's Slurm account's usage records, so the award's visibility is
# the jobs' visibility.
JOBS = ListSpec(
    sorts={
        "job": "job_id",
        "member": "user",
        "state": "state",
        "submitted": "submit",
        "run": "elapsed_seconds",
    },
    default="-submitted",
    filters=(Search("q", gettext_lazy("Job, member or state"), ("job_id", "user", "state")),),
    per_page=50,
)
JOB_COLUMNS = [
    ("job", gettext_lazy("Job")),
    ("member", gettext_lazy("Member")),
    ("state", gettext_lazy("State")),
    ("chip", gettext_lazy("Chip")),
    ("gpus", gettext_lazy("GPUs")),
    ("submitted", pgettext_lazy("time a job was submitted", "Submitted")),
    ("wait", gettext_lazy("Wait (h)")),
    ("run", gettext_lazy("Run time (h)")),
]


@login_required
def award_usage_page(request: HttpRequest, award_id: int) -> HttpResponse:
    award = visible_awards(user_of(request)).filter(pk=award_id).first()
    if award is None:
        raise Http404("no such award")  # never a 403 that says it exists
    usage = award_usage(award, timezone.localdate())
    charts = [(chip, budget_svg(chip)) for chip in usage.chips]
    listed = JOBS.apply(request, UsageRecord.objects.filter(account=award.project_code))
    allocation = Allocation.objects.filter(award=award).first()
    credit = credit_row(allocation, usage.chips, written_off()) if allocation else None
    return render(
        request,
        "billing/award_usage.html",
        {
            "usage": usage,
            "award": award,
            "charts": charts,
            "waits_chart": waits_svg(usage.waits),
            "listed": listed,
            "columns": listed.headers(JOB_COLUMNS),
            "jobs": [job_of(r) for r in listed.rows],
            "credit": credit,
            "thresholds": thresholds(),
        },
    )
