"""Read-only admin: grants change only through the do_* actions (and their audit)."""

from __future__ import annotations

from django.contrib import admin

from aisc.web.audit.admin import ReadOnlyAdmin
from aisc.web.grants.models import Application, Award, Call, Scheme

READ_ONLY_STATUS = ("status",)


@admin.register(Scheme)
class SchemeAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_en", "fund", "default_rate", "max_rate")


@admin.register(Call)
class CallAdmin(ReadOnlyAdmin):
    list_display = ("code", "title_en", "status", "opens_on", "closes_on", "budget")
    readonly_fields = (*READ_ONLY_STATUS, "published_at")


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("title", "organisation", "call", "status", "submitted_at")
    list_filter = ("status", "call")
    readonly_fields = READ_ONLY_STATUS


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    list_display = ("project_code", "organisation", "chip", "gpu_hours", "subsidy_rate", "status")
    readonly_fields = (*READ_ONLY_STATUS, "committed_amount", "subsidy_cap", "published_at")
