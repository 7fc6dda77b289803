"""What a starter-grant request came to, as the status page and the API tell it: approved with
its award and allocation, or refused under a named rule, and how long the decision took."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from aisc.core.errors import RuleViolation
from aisc.web.accounts.models import User
from aisc.web.grants import queries
from aisc.web.grants.actions.starter import decision_seconds
from aisc.web.grants.models import Application, Award, StarterProgramme
from aisc.web.i18n import explain


@dataclass(frozen=True)
class Outcome:
    application: Application
    rule: str  # empty when approved
    message: str  # the refusal in the user's language; empty when approved
    decision_seconds: float | None
    award: Award | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.application.pk,
            "programme": self.application.call.code,
            "organisation": self.application.organisation_id,
            "chip": self.application.chip,
            "title": self.application.title,
            "title_zh": self.application.title_zh,
            "status": self.application.status,
            "rule": self.rule,
            "message": self.message,
            "decision_seconds": self.decision_seconds,
            "award": self.award.project_code if self.award else None,
            "gpu_hours": self.award.gpu_hours if self.award else None,
            "end_date": self.award.end_date if self.award else None,
        }


def outcome(application: Application) -> Outcome:
    screening = application.screening or {}
    rule = str(screening.get("starter_rule", ""))
    message = ""
    if rule:
        refusal = RuleViolation(
            str(screening.get("template", "")),
            field=screening.get("field") or None,
            params=screening.get("params") or {},
        )
        message = explain(refusal)
    award = Award.objects.filter(application=application).first()
    return Outcome(application, rule, message, decision_seconds(application), award)


def starter_requests(user: User) -> QuerySet[Application]:
    """The starter requests of the user's organisations that the user may see, newest first."""
    return (
        queries.visible_applications(user)
        .filter(call__starter_programme__isnull=False, organisation__memberships__user=user)
        .select_related("call", "organisation")
        .order_by("-submitted_at")
    )


def open_programmes() -> QuerySet[StarterProgramme]:
    return StarterProgramme.objects.filter(call__status="open").select_related("call__scheme")
