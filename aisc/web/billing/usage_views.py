"""The grantee's usage page for one award: its jobs, use by member, GPU-hours per day by chip
against the released budget, the projected exhaustion date and its jobs' waits, with charts and
the tables they are drawn from. Who sees it: grants.queries.visible_awards, the one rule."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from aisc.web.billing.award_usage import award_usage
from aisc.web.billing.usage_charts import budget_svg, waits_svg
from aisc.web.grants.queries import visible_awards
from aisc.web.grants.views.page import user_of


@login_required
def award_usage_page(request: HttpRequest, award_id: int) -> HttpResponse:
    award = visible_awards(user_of(request)).filter(pk=award_id).first()
    if award is None:
        raise Http404("no such award")  # never a 403 that says it exists
    usage = award_usage(award, timezone.localdate())
    charts = [(chip, budget_svg(chip)) for chip in usage.chips]
    return render(
        request,
        "billing/award_usage.html",
        {"usage": usage, "award": award, "charts": charts, "waits_chart": waits_svg(usage.waits)},
    )
