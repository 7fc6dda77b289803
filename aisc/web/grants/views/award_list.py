"""The awards list: every award the user may see (grants.queries.visible_awards, the one rule),
sorted, filtered and paged by aisc.web.lists.ListSpec."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from aisc.web.grants import queries
from aisc.web.grants.choices import AWARD_STATUS, CHIP
from aisc.web.grants.views.page import user_of
from aisc.web.lists import Choice, ListSpec, Search

AWARDS = ListSpec(
    sorts={
        "project": "project_code",
        "organisation": "organisation__name_en",
        "status": "status",
        "chip": "chip",
        "hours": "gpu_hours",
        "committed": "committed_amount",
        "dates": "start_date",
    },
    default="-dates",
    filters=(
        Search(
            "q", gettext_lazy("Project or organisation"), ("project_code", "organisation__name_en")
        ),
        Choice("status", gettext_lazy("Status"), "status", AWARD_STATUS),
        Choice("chip", gettext_lazy("Chip"), "chip", CHIP),
    ),
)
AWARD_COLUMNS = [
    ("project", gettext_lazy("Project")),
    ("organisation", gettext_lazy("Organisation")),
    ("status", gettext_lazy("Status")),
    ("chip", gettext_lazy("Chip")),
    ("hours", gettext_lazy("GPU-hours")),
    ("committed", gettext_lazy("Committed subsidy")),
    ("dates", gettext_lazy("Dates")),
]


@login_required
def award_list(request: HttpRequest) -> HttpResponse:
    # Anyone signed in may ask: the base queryset shows staff every award and a member only
    # their organisations' awards, so someone with neither gets the empty list.
    listed = AWARDS.apply(request, queries.visible_awards(user_of(request)))
    return render(
        request,
        "grants/award_list.html",
        {"listed": listed, "columns": listed.headers(AWARD_COLUMNS)},
    )
