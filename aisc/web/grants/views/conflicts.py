"""Declaring a conflict of interest on an assignment, whenever it is found: the reviewer on their
own assignment (even when a conflict that aisc computes, such as a membership accepted after the
assignment, already hides the application from them), or the secretariat recording a conflict
that others found. The page shows the reviewer nothing of a hidden application."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from aisc.web.accounts import authz
from aisc.web.grants import actions, queries
from aisc.web.grants.forms import ConflictForm
from aisc.web.grants.views.page import attempt, user_of


@login_required
@require_http_methods(["GET", "POST"])
def declare(request: HttpRequest, review_id: int) -> HttpResponse:
    user = user_of(request)
    review = queries.one_visible(queries.conflict_declarable_reviews(user), review_id)
    authz.require(user, "grants.review.declare_conflict", review)
    # The application's title only for whoever may see it (the secretariat; a reviewer whose
    # access no conflict has removed yet).
    application = queries.visible_applications(user).filter(pk=review.application_id).first()
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        own = review.reviewer_id == user.pk
        done = attempt(
            request,
            lambda: actions.do_declare_conflict(
                acting_user=user, review=review, reason=form.cleaned_data["reason"]
            ),
            _("Conflict declared; the application is closed to you.")
            if own
            else _("Conflict recorded; the reviewer no longer sees the application."),
            form,
        )
        if done is not None:
            if own:
                return redirect("queues:dashboard")
            return redirect("grants:application", review.application_id)
    context = {
        "review": review,
        "application": application,
        "form": form,
        "own": review.reviewer_id == user.pk,
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "grants/declare_conflict.html", context, status=status)
