"""What an award produced and how it is measured: its outputs, the KPIs agreed at award time and
the values its reports give, and the follow-up survey a year after it ends (aisc.core.grants
outputs, kpis, survey); imported by models.py so Django finds them."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aisc.web.grants import choices as ch

USER = settings.AUTH_USER_MODEL


class Output(models.Model):
    """What an award produced (aisc.core.grants.outputs.OutputKind); written only by
    do_add_output and do_import_publications, which check it with aisc.core.grants.outputs."""

    award = models.ForeignKey("grants.Award", on_delete=models.PROTECT, related_name="outputs")
    report = models.ForeignKey(
        "grants.Report", on_delete=models.PROTECT, related_name="outputs", null=True, blank=True
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ch.OutputKind.choices)
    title = models.CharField(_("title"), max_length=300)
    doi = models.CharField(_("DOI"), max_length=200, blank=True)
    url = models.URLField(_("web address"), max_length=500, blank=True)
    licence = models.CharField(_("licence"), max_length=100, blank=True)
    # A patent's application or patent number.
    reference = models.CharField(_("number"), max_length=100, blank=True)
    # How many people (hired, trained), or the follow-on funding raised in HK$.
    quantity = models.DecimalField(
        _("how many / amount (HK$)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("output")
        ordering: ClassVar[list[str]] = ["award", "created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class Kpi(models.Model):
    """A KPI agreed at award time (aisc.core.grants.kpis); written only by do_agree_kpi."""

    award = models.ForeignKey("grants.Award", on_delete=models.PROTECT, related_name="kpis")
    name = models.CharField(_("KPI"), max_length=200)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=40)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("KPI")
        ordering: ClassVar[list[str]] = ["award", "pk"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["award", "name"], name="one_kpi_per_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.target} {self.unit})"


class KpiValue(models.Model):
    """What one report says about one KPI; written only by do_report_kpi."""

    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, related_name="values")
    report = models.ForeignKey("grants.Report", on_delete=models.PROTECT, related_name="kpi_values")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("KPI value")
        ordering: ClassVar[list[str]] = ["kpi", "report__submitted_at"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["kpi", "report"], name="one_value_per_report")
        ]

    def __str__(self) -> str:
        return f"{self.kpi.name}: {self.value}"


class FollowUpSurvey(models.Model):
    """The survey 12 months after an award ends (aisc.core.grants.survey): opened by the worker's
    grants.survey_reminders when it falls due, answered by the grantee (do_answer_survey)."""

    award = models.OneToOneField("grants.Award", on_delete=models.PROTECT, related_name="survey")
    due_on = models.DateField()
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    revenue = models.DecimalField(
        _("revenue (HK$)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    users = models.PositiveIntegerField(_("users"), null=True, blank=True)
    jobs = models.PositiveIntegerField(_("jobs"), null=True, blank=True)
    answered_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up survey")

    def __str__(self) -> str:
        return f"survey of {self.award}"
