"""Double funding: other public funding an applicant declares for the same work, and the
secretariat's decision on an earlier award flagged as a likely overlap; imported by models.py so
Django finds them."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aisc.web.grants.fields import money, rate

USER = settings.AUTH_USER_MODEL


class FundingCheck(models.TextChoices):
    PENDING = "", _("Not yet checked")
    NO_OVERLAP = "no_overlap", _("Not double funding")
    OVERLAP = "overlap", _("Double funding")


class FundingDeclaration(models.Model):
    """Other public funding the applicant declares for the same work; the secretariat's screening
    records a decision on it (written only by the do_* actions in actions/funding.py)."""

    application = models.ForeignKey(
        "grants.Application", on_delete=models.CASCADE, related_name="funding_declarations"
    )
    funder = models.CharField(_("funder"), max_length=200)
    programme = models.CharField(_("programme"), max_length=200, blank=True)
    amount = money(_("amount (HK$)"))
    start_date = models.DateField(_("starts on"))
    end_date = models.DateField(_("ends on"))
    decision = models.CharField(max_length=20, choices=FundingCheck.choices, blank=True)
    decision_note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("funding declaration")
        ordering: ClassVar[list[str]] = ["application", "start_date", "pk"]

    def __str__(self) -> str:
        return f"{self.funder} {self.programme}".strip()


class OverlapDecision(models.Model):
    """The secretariat's decision on an earlier award flagged as a likely overlap."""

    application = models.ForeignKey(
        "grants.Application", on_delete=models.CASCADE, related_name="overlap_decisions"
    )
    award = models.ForeignKey("grants.Award", on_delete=models.PROTECT, related_name="+")
    similarity = rate()
    decision = models.CharField(max_length=20, choices=FundingCheck.choices)
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("overlap decision")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["application", "award"], name="one_overlap_decision")
        ]

    def __str__(self) -> str:
        return f"{self.application_id} ~ {self.award}"
