from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from aisc.web.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ("id", "at", "actor_label", "verb", "object_type", "object_id")
    list_filter = ("verb", "object_type")
    search_fields = ("actor_label", "object_id", "request_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
