"""A starter-grant programme (the fast lane, aisc.core.grants.starter): the terms the secretariat
sets on one call of a scheme. The call gives the programme its budget, its consumption period,
its Slurm parent account and its public page (where its decision times are published apart
from the reviewed calls'); imported by models.py so Django finds it."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aisc.core.grants import starter


class StarterProgramme(models.Model):
    call = models.OneToOneField(
        "grants.Call", on_delete=models.PROTECT, related_name="starter_programme"
    )
    chips = models.JSONField(_("chips offered"))
    gpu_hours = models.DecimalField(_("GPU-hours per grant"), max_digits=14, decimal_places=2)
    months = models.PositiveSmallIntegerField(_("months"))
    per_org_per_year = models.PositiveSmallIntegerField(
        _("starter grants per organisation per year")
    )
    subsidy_rate = models.DecimalField(_("subsidy rate"), max_digits=4, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("starter programme")
        ordering: ClassVar[list[str]] = ["-created_at"]

    def __str__(self) -> str:
        return f"starter grants in {self.call.code}"

    def terms(self) -> starter.Terms:
        return starter.Terms(
            self.gpu_hours,
            self.months,
            tuple(self.chips),
            self.per_org_per_year,
            self.subsidy_rate,
        )

    def facts(self) -> dict[str, Any]:
        return {
            "call": self.call.code,
            "chips": list(self.chips),
            "gpu_hours": self.gpu_hours,
            "months": self.months,
            "per_org_per_year": self.per_org_per_year,
            "subsidy_rate": self.subsidy_rate,
        }
